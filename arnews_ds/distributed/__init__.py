"""The ingest and de-duplication stages as a datatrove pipeline, for corpora bigger than one process (DESIGN §11).

`records` converts our records to datatrove `Document`s and owns the working folder's layout; `ingest_steps` and
`dedup_steps` are the pipeline steps; `pipeline` chains them on a local, Ray or Slurm executor and reads the
result back as the `Ingest` and `Clusters` the in-process engine returns.
"""
