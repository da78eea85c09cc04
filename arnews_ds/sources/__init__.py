"""Source adapters (DESIGN §4), one module per raw format; `registry.SOURCES` lists them."""
