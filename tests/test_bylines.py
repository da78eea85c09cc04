"""Byline shapes (DESIGN §4), one test each, on self-written bylines (invented person names)."""
import pytest

from arnews_ds.bylines import parse_byline


def test_city_colon_name():
    assert parse_byline("جدة: نوار القيسي") == (("نوار القيسي",), "جدة")


def test_city_colon_quoted_outlet():
    assert parse_byline("لندن: «الشرق الأوسط»") == (("الشرق الأوسط",), "لندن")


def test_several_cities_before_colon():
    assert parse_byline("طهران - لندن: «الشرق الأوسط»") == (("الشرق الأوسط",), "طهران، لندن")


def test_name_parenthesized_city():
    assert parse_byline("ريم الصالحي (الدمام)") == (("ريم الصالحي",), "الدمام")


def test_outlet_parenthesized_cities():
    assert parse_byline("عكاظ (بغداد، عمان)") == (("عكاظ",), "بغداد، عمان")


@pytest.mark.parametrize("byline", ["واس - الرياض", "الرياض - واس", "الرياض: واس", "الرياض - (واس)"])
def test_agency_and_city_in_either_order(byline):
    assert parse_byline(byline) == (("واس",), "الرياض")


def test_trailing_colon_and_two_word_city():
    assert parse_byline("المدينة المنورة - واس:") == (("واس",), "المدينة المنورة")


@pytest.mark.parametrize("byline", ["«الاقتصادية» من الرياض", '"الاقتصادية" من الرياض'])
def test_quoted_outlet_from_city(byline):
    assert parse_byline(byline) == (("الاقتصادية",), "الرياض")


def test_name_from_city():
    assert parse_byline("فراس المدني من فيينا") == (("فراس المدني",), "فيينا")


def test_name_outlet_city_in_one_field():
    assert parse_byline("فراس المدني- سبق- جازان:") == (("فراس المدني", "سبق"), "جازان")


def test_city_outlet_desk_name():
    assert parse_byline("القاهرة - مكتب الجزيرة - هند الزامل:") == (("مكتب الجزيرة", "هند الزامل"), "القاهرة")


def test_outlet_and_name_without_city():
    assert parse_byline("الجزيرة - هند الزامل:") == (("الجزيرة", "هند الزامل"), None)


def test_two_names_and_a_city():
    assert parse_byline("نوار القيسي - ريم الصالحي - جدة") == (("نوار القيسي", "ريم الصالحي"), "جدة")


def test_two_colon_bylines_in_one_field():
    got = parse_byline("صنعاء: نوار القيسي عدن: «الشرق الأوسط»")
    assert got == (("نوار القيسي", "الشرق الأوسط"), "صنعاء، عدن")


def test_spaced_tatweel_is_a_dash_but_elongation_is_not():
    assert parse_byline("اليوم ـ الدمام") == (("اليوم",), "الدمام")
    assert parse_byline("أبها - سامـر الحلبي") == (("سامر الحلبي",), "أبها")


@pytest.mark.parametrize("agency", ["أ ف ب", "أ.ف.ب", "ا ف ب", "أ. ف. ب", "رويترز", "د ب أ", "أ ش أ", "سي إن إن"])
def test_agency_spellings(agency):
    assert parse_byline(f"واشنطن - {agency}") == ((agency,), "واشنطن")


def test_riyadh_is_the_newspaper_next_to_another_city():
    assert parse_byline("دبي - الرياض") == (("الرياض",), "دبي")


def test_credit_word_marks_a_name():
    assert parse_byline("كتب - هند الزامل:") == (("هند الزامل",), None)


def test_desk_word_is_dropped():
    assert parse_byline("الوئام - متابعات:") == (("الوئام",), None)


def test_unlisted_place_qualified_by_country_next_to_agency():
    assert parse_byline("كفرنوار (ألمانيا) - د ب أ") == (("د ب أ",), "كفرنوار (ألمانيا)")


def test_list_of_name_city_pairs():
    got = parse_byline("واس (الرياض)، نوار القيسي (الخرمة)")
    assert got == (("واس", "نوار القيسي"), "الرياض، الخرمة")


def test_qualifier_word_before_a_place():
    assert parse_byline("جنوب السعودية: «الشرق الأوسط»") == (("الشرق الأوسط",), "جنوب السعودية")


@pytest.mark.parametrize(
    "byline",
    [
        "نوار القيسي",  # a bare name: a columnist? a guest? no rule says
        "كلمة اليوم",  # a column title
        "(زائر)",  # a commenter
        "الوهمية - رويترز",  # an unlisted one-word segment next to a wire agency may be a place
        "كفرنوار - هند الزامل - رويترز",  # two unlisted segments, no place
        "إضاءة - هند الزامل",  # an unlisted column name and a name
        "الجمعة: هند الزامل",  # left of a colon must be a listed place or credit word
        "2015 - رويترز",
        "",
        None,
    ],
)
def test_unexplained_bylines_derive_nothing(byline):
    assert parse_byline(byline) == ((), None)


def test_results_are_cached():
    parse_byline.cache_clear()
    parse_byline("جدة: نوار القيسي")
    parse_byline("جدة: نوار القيسي")
    assert parse_byline.cache_info().hits == 1
