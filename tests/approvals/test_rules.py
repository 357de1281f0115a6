"""approvals.rules: every statutory rule at, just below and just above its threshold, exact
Decimal arithmetic, the practice warnings and the FTE parser. Pure: no database."""

from decimal import Decimal

import pytest
from django.utils import translation

from approvals import rules
from approvals.rules import RuleInput, StaffInput, evaluate, parse_fte

D = Decimal
EPS = D("0.001")  # the smallest FTE step the database stores
ALL_DOCS = {"quality_system": True, "competence_development_plan": True}


def person(name="P", fte="1.0", employment="permanent", trained=True, hpr=None, **disciplines):
    return StaffInput(
        name=name,
        fte=D(fte),
        employment=employment,
        training_completed=trained,
        hpr_number=hpr,
        disciplines={k: D(v) for k, v in disciplines.items()},
    )


def approvable_staff():
    """3.6 FTE, every discipline well above its minimum."""
    return [
        person("Lege", "1.0", occupational_medicine="0.8", systematic_hse="0.2"),
        person("Hygieniker", "1.0", occupational_hygiene="0.8", systematic_hse="0.2"),
        person("Fysio", "0.8", ergonomics="0.8"),
        person("Psykolog", "0.8", psychosocial="0.6", systematic_hse="0.2"),
    ]


def test_approvable_roster_passes_everything():
    ev = evaluate(RuleInput(staff=approvable_staff(), documents=ALL_DOCS))
    assert ev.approvable
    assert [r.id for r in ev.rules] == [
        "total_fte",
        "occupational_medicine_fte",
        "occupational_hygiene_fte",
        "ergonomics_fte",
        "psychosocial_fte",
        "competence_areas",
        "training",
        "quality_system",
        "competence_development_plan",
    ]
    assert all(r.passed and r.statutory for r in ev.rules)
    assert ev.total_fte == D("3.6")
    assert ev.warnings == []


# ---------------------------------------------------------------- total_fte ≥ 3.0
def _total_roster(total: Decimal):
    """Every discipline comfortably covered by four people; a filler person makes up `total`."""
    base = [
        person("A", "0.5", occupational_medicine="0.5"),
        person("B", "0.5", occupational_hygiene="0.5"),
        person("C", "0.5", ergonomics="0.5"),
        person("D", "0.5", psychosocial="0.4", systematic_hse="0.1"),
    ]
    rest = total - D("2.0")
    fillers = []
    while rest > 0:
        step = min(rest, D("1.0"))
        fillers.append(person(f"F{len(fillers)}", str(step), systematic_hse=str(step)))
        rest -= step
    return base + fillers


@pytest.mark.parametrize(
    "total, passed",
    [(D("3.0"), True), (D("3.0") - EPS, False), (D("3.0") + EPS, True)],
    ids=["at", "just-below", "just-above"],
)
def test_total_fte_threshold(total, passed):
    ev = evaluate(RuleInput(staff=_total_roster(total), documents=ALL_DOCS))
    rule = ev.rule("total_fte")
    assert rule.value == total
    assert rule.required == D("3.0")
    assert rule.passed is passed
    assert ev.approvable is passed


# ---------------------------------------------------------------- each discipline ≥ 0.30
@pytest.mark.parametrize("discipline", rules.MINIMUM_DISCIPLINES)
@pytest.mark.parametrize(
    "value, passed",
    [(D("0.30"), True), (D("0.299"), False), (D("0.301"), True)],
    ids=["at", "just-below", "just-above"],
)
def test_discipline_threshold(discipline, value, passed):
    staff = []
    for d in rules.MINIMUM_DISCIPLINES:
        v = value if d == discipline else D("0.5")
        staff.append(person(d, "1.0", **{d: str(v), "systematic_hse": "0.1"}))
    ev = evaluate(RuleInput(staff=staff, documents=ALL_DOCS))
    rule = ev.rule(f"{discipline}_fte")
    assert rule.value == value
    assert rule.required == D("0.30")
    assert rule.passed is passed
    assert ev.approvable is passed
    # the other disciplines are unaffected
    assert all(ev.rule(f"{d}_fte").passed for d in rules.MINIMUM_DISCIPLINES if d != discipline)


def test_discipline_sum_across_people_is_exact():
    staff = [person(f"P{i}", "0.1", psychosocial="0.1") for i in range(3)]
    ev = evaluate(RuleInput(staff=staff))
    assert ev.discipline_fte["psychosocial"] == D("0.3")
    assert ev.rule("psychosocial_fte").passed


def test_systematic_hse_has_no_minimum_but_counts_for_competence_areas():
    staff = approvable_staff()
    staff[0] = person("Lege", "1.0", occupational_medicine="1.0")
    staff[1] = person("Hygieniker", "1.0", occupational_hygiene="1.0")
    staff[3] = person("Psykolog", "0.8", psychosocial="0.8")
    ev = evaluate(RuleInput(staff=staff, documents=ALL_DOCS))
    assert not any(r.id == "systematic_hse_fte" for r in ev.rules)
    area = ev.rule("competence_areas")
    assert not area.passed
    assert area.value == 4 and area.required == 5
    assert "systematisk HMS-arbeid" in area.message_nb
    assert "systematic HSE work" in area.message_en
    # the smallest amount of systematic HSE is enough for the area
    staff[3] = person("Psykolog", "0.8", psychosocial="0.799", systematic_hse="0.001")
    assert evaluate(RuleInput(staff=staff, documents=ALL_DOCS)).rule("competence_areas").passed


# ---------------------------------------------------------------- Decimal exactness
def test_ten_people_at_point_three_are_exactly_three():
    staff = [person(f"P{i}", "0.3", systematic_hse="0.3") for i in range(10)]
    ev = evaluate(RuleInput(staff=staff))
    assert ev.total_fte == D("3.0")
    assert str(ev.total_fte) == "3.0"
    assert ev.rule("total_fte").passed
    assert sum([0.3] * 10) != 3.0  # what floats would have done


def test_float_input_is_read_through_its_text_not_binary():
    staff = [StaffInput(name=f"P{i}", fte=0.3, disciplines={"systematic_hse": 0.3}) for i in range(10)]
    ev = evaluate(RuleInput(staff=staff))
    assert ev.total_fte == D("3.0")
    assert ev.rule("total_fte").passed


def test_as_dict_is_json_safe_and_exact():
    import json

    staff = [person(f"P{i}", "0.3", systematic_hse="0.3") for i in range(10)]
    data = evaluate(RuleInput(staff=staff)).as_dict()
    json.dumps(data)
    assert data["total_fte"] == "3.0"
    assert data["discipline_fte"]["systematic_hse"] == "3.0"
    assert data["discipline_fte"]["ergonomics"] == "0.0"
    total = next(r for r in data["rules"] if r["id"] == "total_fte")
    assert total == {
        "id": "total_fte",
        "passed": True,
        "value": "3.0",
        "required": "3.0",
        "statutory": True,
        "message_nb": "Samlet fagpersonell er 3 årsverk; kravet er minst 3,0.",
        "message_en": "Professional staff total 3 FTE; at least 3.0 is required.",
    }


# ---------------------------------------------------------------- training, documents
def test_training_every_person():
    staff = approvable_staff()
    ev = evaluate(RuleInput(staff=staff, documents=ALL_DOCS))
    assert ev.rule("training").passed
    staff[2] = person("Fysio", "0.8", trained=False, ergonomics="0.8")
    ev = evaluate(RuleInput(staff=staff, documents=ALL_DOCS))
    rule = ev.rule("training")
    assert not rule.passed and not ev.approvable
    assert (rule.value, rule.required) == (3, 4)
    assert "Fysio" in rule.message_nb and "Fysio" in rule.message_en


def test_no_staff_fails_training_and_everything_else():
    ev = evaluate(RuleInput(staff=[], documents=ALL_DOCS))
    assert not ev.approvable
    assert not ev.rule("training").passed
    assert ev.rule("training").message_nb == "Ingen personell er registrert."
    assert ev.total_fte == D("0")
    assert {r.id for r in ev.failed} == {
        "total_fte",
        "occupational_medicine_fte",
        "occupational_hygiene_fte",
        "ergonomics_fte",
        "psychosocial_fte",
        "competence_areas",
        "training",
    }


@pytest.mark.parametrize("doc", ["quality_system", "competence_development_plan"])
def test_document_rules(doc):
    ev = evaluate(RuleInput(staff=approvable_staff(), documents={**ALL_DOCS, doc: False}))
    rule = ev.rule(doc)
    assert not rule.passed and not ev.approvable
    assert rule.message_nb.endswith("mangler.")
    assert rule.message_en.endswith("is missing.")
    assert [r.id for r in ev.failed] == [doc]
    ev = evaluate(RuleInput(staff=approvable_staff(), documents={k: v for k, v in ALL_DOCS.items() if k != doc}))
    assert not ev.rule(doc).passed


def test_messages_follow_the_active_language():
    ev = evaluate(RuleInput(staff=approvable_staff(), documents=ALL_DOCS))
    with translation.override("nb"):
        assert ev.rule("total_fte").message.startswith("Samlet fagpersonell er 3,6")
    with translation.override("en"):
        assert ev.rule("total_fte").message.startswith("Professional staff total 3.6")


# ---------------------------------------------------------------- warnings
@pytest.mark.parametrize("employment", ["hired", "self_employed"])
@pytest.mark.parametrize(
    "fte, warned",
    [(D("0.30"), False), (D("0.299"), True), (D("0.301"), False)],
    ids=["at", "just-below", "just-above"],
)
def test_hired_or_self_employed_below_thirty_percent_warns(employment, fte, warned):
    staff = approvable_staff() + [person("Innleid", str(fte), employment=employment, systematic_hse=str(fte))]
    ev = evaluate(RuleInput(staff=staff, documents=ALL_DOCS))
    ids = [(w.id, w.person) for w in ev.warnings]
    assert (("hired_below_minimum", "Innleid") in ids) is warned
    assert ev.approvable  # a warning never blocks


def test_permanent_staff_below_thirty_percent_is_not_warned():
    staff = approvable_staff() + [person("Fast", "0.1", systematic_hse="0.1")]
    assert evaluate(RuleInput(staff=staff, documents=ALL_DOCS)).warnings == []


@pytest.mark.parametrize(
    "hired_fte, warned",
    [(D("2.0"), False), (D("2.001"), True), (D("1.999"), False)],
    ids=["exactly-half", "just-below-half", "just-above-half"],
)
def test_permanent_below_half_of_total_warns(hired_fte, warned):
    staff = [
        person("Fast1", "1.0", occupational_medicine="0.5", occupational_hygiene="0.5"),
        person("Fast2", "1.0", ergonomics="0.5", psychosocial="0.5"),
    ]
    rest = hired_fte
    i = 0
    while rest > 0:
        step = min(rest, D("1.0"))
        staff.append(person(f"Innleid{i}", str(step), employment="hired", systematic_hse=str(step)))
        rest -= step
        i += 1
    ev = evaluate(RuleInput(staff=staff, documents=ALL_DOCS))
    assert any(w.id == "permanent_below_half" for w in ev.warnings) is warned


@pytest.mark.parametrize(
    "other, warned",
    [(D("0.5"), False), (D("0.501"), True), (D("0.499"), False)],
    ids=["exactly-full-time", "just-above", "just-below"],
)
def test_same_person_across_providers_above_full_time_warns(other, warned):
    staff = approvable_staff() + [person("Doktor Dobbel", "0.5", hpr="1234567", occupational_medicine="0.5")]
    ev = evaluate(RuleInput(staff=staff, documents=ALL_DOCS, other_fte_by_hpr={"1234567": other}))
    hits = [w for w in ev.warnings if w.id == "person_over_full_time"]
    assert bool(hits) is warned
    if warned:
        assert hits[0].person == "Doktor Dobbel"
        assert "1234567" in hits[0].message_nb
        assert f"{D('0.5') + other:f}".replace(".", ",") in hits[0].message_nb
    assert ev.approvable


def test_same_person_twice_in_one_roster_counts_together():
    staff = [
        person("Lege A", "0.6", hpr="555", occupational_medicine="0.6"),
        person("Lege A (avd. 2)", "0.6", hpr="555", occupational_medicine="0.6"),
    ]
    ev = evaluate(RuleInput(staff=staff))
    assert [w.id for w in ev.warnings if w.id == "person_over_full_time"] == ["person_over_full_time"]


def test_other_providers_fte_for_an_unrelated_hpr_is_ignored():
    staff = [person("Lege", "1.0", hpr="111", occupational_medicine="1.0")]
    ev = evaluate(RuleInput(staff=staff, other_fte_by_hpr={"222": D("1.0")}))
    assert not [w for w in ev.warnings if w.id == "person_over_full_time"]


def test_blank_hpr_never_matches():
    staff = [person("A", "1.0", hpr="  "), person("B", "1.0", hpr="")]
    ev = evaluate(RuleInput(staff=staff, other_fte_by_hpr={"": D("1.0")}))
    assert not [w for w in ev.warnings if w.id == "person_over_full_time"]


# ---------------------------------------------------------------- parse_fte
@pytest.mark.parametrize("text", ["30", "30 %", "30%", " 30 % ", "0,3", "0.3", ",3", "0,300", "30,0 %", 0.3, D("0.3")])
def test_parse_fte_reads_percent_and_decimal_alike(text):
    assert parse_fte(text) == D("0.3")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1", D("1")),
        ("1,0", D("1")),
        ("100", D("1")),
        ("100 %", D("1")),
        ("1 %", D("0.01")),
        ("0,001", D("0.001")),
        ("0,1 %", D("0.001")),
        ("33,3 %", D("0.333")),
        ("12,5", D("0.125")),
        (1, D("1")),
        (50, D("0.5")),
    ],
)
def test_parse_fte_values(text, expected):
    assert parse_fte(text) == expected


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "Oppgi et tall"),
        ("abc", "prosent"),
        ("30 prosent", "prosent"),
        ("1e5", "prosent"),
        ("0", "større enn 0"),
        ("0 %", "større enn 0"),
        ("-0,3", "negativt"),
        ("101", "høyst 100 %"),
        ("100,1 %", "høyst 100 %"),
        ("33,33 %", "tre desimaler"),
        ("0,0001", "tre desimaler"),
        (None, "Oppgi et tall"),
        (True, "Oppgi et tall"),
        (float("nan"), "Oppgi et tall"),
    ],
)
def test_parse_fte_errors_say_why_in_norwegian(text, fragment):
    with pytest.raises(rules.FTEError) as exc:
        parse_fte(text)
    assert fragment in exc.value.message_nb
    assert exc.value.message_en


def test_parse_fte_zero_allowed_for_disciplines():
    assert parse_fte("0", allow_zero=True) == D("0")
    assert parse_fte("0 %", allow_zero=True) == D("0")


def test_parse_fte_strict_mode_for_the_api():
    assert parse_fte("0.3", allow_percent=False) == D("0.3")
    assert parse_fte(1, allow_percent=False) == D("1")
    with pytest.raises(rules.FTEError, match="at most 1.0"):
        parse_fte("30", allow_percent=False)
    with pytest.raises(rules.FTEError, match="decimal between 0 and 1"):
        parse_fte("30 %", allow_percent=False)
    with pytest.raises(rules.FTEError, match="negative"):
        parse_fte(-0.1, allow_percent=False)
    with pytest.raises(rules.FTEError, match="greater than 0"):
        parse_fte(0, allow_percent=False)


def test_decimal_text():
    assert rules.decimal_text(D("3")) == "3.0"
    assert rules.decimal_text(D("0.300")) == "0.3"
    assert rules.decimal_text(D("0")) == "0.0"
    assert rules.decimal_text(D("30")) == "30.0"
