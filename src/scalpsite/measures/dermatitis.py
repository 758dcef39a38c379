"""The atopic dermatitis measures (itch, EASI, BSA, vIGA-AD, POEM, ADCT, RECAP) and DLQI, which
either condition may record.

Each entry is the one definition of its measure (kinds.py says what the fields mean); the
published sources are those of docs/clinical-definitions.md.
"""

from __future__ import annotations

from scalpsite.measures.kinds import (
    AD,
    Band,
    Bands,
    Column,
    Expected,
    Fhir,
    Form,
    Measure,
    Milestone,
    Step,
    Target,
)

EASI_RELATIVE = (50, 75, 90)  # EASI-50 ... EASI-90: reduction from baseline, %
ITCH_MEANINGFUL = 4  # points of peak-pruritus NRS reduction (Yosipovitch 2019)
POEM_MEANINGFUL = 3  # probably important; 4 very likely (Howells 2018)
DLQI_MEANINGFUL = 4  # Basra 2015
ADCT_MEANINGFUL = 5  # within a patient (Simpson 2019)
ADCT_NOT_CONTROLLED = 7  # 7 or more: not in control (Pariser 2020)
RECAP_IMPORTANT = 3  # a fall of 3 or more is likely clinically important (Baker 2024)
# vIGA-AD success as in the dupilumab trials (Simpson 2016): 0 or 1 with 2 grades of improvement.
VIGA_SUCCESS = Target(points=2, at_most=1, name="vIGA-AD 0 or 1, 2 grades better")
AD_SCORE = Expected("missing-ad-score", "neither EASI nor POEM recorded", "add ad.easi or ad.poem")
ANSWERS_RULE = "One unanswered question counts 0; with two or more unanswered there is no score."


def _pcts(values: tuple[int, ...]) -> str:
    return "/".join(str(v) for v in values)


ITCH = Measure(
    key="itch", label="Itch", name="Peak Pruritus NRS", condition=AD, place="ad", low=0, high=10,
    description="Peak Pruritus NRS: the worst itch in the past 24 hours, {range}.", examples=(6,),
    source="Yosipovitch et al., Br J Dermatol 2019;181:761–9", scale_prefix="NRS", scored_by=("self",),
    changes=("change",), target=Target(points=ITCH_MEANINGFUL),
    milestones=(Milestone("itch_minus_4", f"Itch −{ITCH_MEANINGFUL}", reduced_by=ITCH_MEANINGFUL),),
    summary="ad", shown="condition", table="scores", chart="ad",
    fhir=Fhir("peak-pruritus-nrs", "Peak Pruritus NRS", "{score}", "survey", "Worst itch in the past 24 hours, 0-10."),
    columns=(Column("itch", "Peak Pruritus NRS, 0-10"), Column("itch_change", "itch minus the baseline's")),
    csv_first=True,
    expected=Expected("missing-itch", "peak itch (ad.itch, 0-10) not recorded", "add ad: {itch: ..}"),
    template="itch {range}", counted=True,
    definition="Peak Pruritus NRS 0–10, worst itch in the past 24 hours; a reduction of "
    f"{ITCH_MEANINGFUL} points or more from baseline is clinically meaningful.",
)

EASI = Measure(
    key="easi", label="EASI", name="Eczema Area and Severity Index", condition=AD, place="ad", low=0, high=72,
    step=Step.DECIMAL, form=Form.PARTS, parts="EasiParts", after="itch", examples=(12.4,),
    description="EASI, {range}: the total (from a clinician), or the four regions, from which the total is "
    "computed.",
    source="Hanifin et al., Exp Dermatol 2001;10:11–8; bands: Leshem et al., Br J Dermatol 2015;172:1353–7",
    bands=Bands("easi_band", (Band("clear", 0), Band("almost clear", 1.0), Band("mild", 7.0), Band("moderate", 21.0),
                              Band("severe", 50.0), Band("very severe", 72.0))),
    changes=("improvement_pct",), target=Target(pct=75, name="EASI-75"), headline=True, case=True,
    milestones=tuple(Milestone(f"easi{n}", f"EASI-{n}", improved_pct=n) for n in EASI_RELATIVE),
    summary="ad", shown="condition", table="scores", chart="ad", chart_scaled=True,
    fhir=Fhir("easi", "EASI score", "{score}", "exam",
              "Eczema Area and Severity Index, 0-72 (given, or computed from the four regions)."),
    columns=(Column("easi", "EASI, 0-72 (given or computed from the regions)"),
             Column("easi_band", "EASI severity band (Leshem 2015)"),
             Column("easi_improvement_pct", "relative EASI improvement from baseline, %")),
    csv_first=True, expected=AD_SCORE, template="EASI {range}", counted=True,
    definition="Eczema Area and Severity Index, 0–72 (region weights for age 8 and over, or under 8). Bands: "
    f"{{bands}}. EASI-{_pcts(EASI_RELATIVE)}: reduction from baseline ≥ {_pcts(EASI_RELATIVE)} %.",
)

BSA = Measure(
    key="bsa_pct", label="BSA", name="Body surface area with eczema", condition=AD, place="ad", low=0, high=100,
    step=Step.DECIMAL, unit="%", scale_prefix="%", after="poem", examples=(12,),
    description="Body surface area with eczema, % (a hand with its fingers is about 1 %).",
    source="strata: Chopra et al., Br J Dermatol 2017;177:1316–21",
    bands=Bands("bsa_band", (Band("clear", 0), Band("mild", 16, True), Band("moderate", 40, True),
                             Band("severe", 100))),
    summary="ad", table=None, case=True,
    fhir=Fhir("ad-bsa", "Body surface area with eczema", "%", "exam",
              "Body surface area affected by atopic dermatitis, 0-100 % (strata: Chopra 2017)."),
    columns=(Column("bsa_pct", "body surface area with eczema, %"),), csv_first=True,
    definition="Body surface area with eczema, % of the skin (a hand with its fingers is about 1 %). Strata: "
    "{bands}. No meaningful change is defined.",
)

VIGA = Measure(
    key="viga_ad", label="vIGA-AD", name="Validated Investigator Global Assessment for Atopic Dermatitis",
    condition=AD, place="ad", low=0, high=4, after="bsa_pct", examples=(3,), scored_by=("clinician", "self"),
    description="vIGA-AD, 0 clear, 1 almost clear, 2 mild, 3 moderate, 4 severe (usually a clinician's).",
    source="Simpson et al., J Am Acad Dermatol 2020;83:839–46; success: Simpson et al., N Engl J Med "
    "2016;375:2335–48 (SOLO 1 and 2)",
    bands=Bands("viga_ad_label", tuple(Band(w, i) for i, w in enumerate(
        ("clear", "almost clear", "mild", "moderate", "severe")))),
    target=VIGA_SUCCESS, summary="ad", case=True,
    fhir=Fhir("viga-ad", "vIGA-AD", "{score}", "exam",
              "Validated Investigator Global Assessment for Atopic Dermatitis, 0 clear to 4 severe (Simpson 2020)."),
    columns=(Column("viga_ad", "vIGA-AD, 0 clear to 4 severe"),), csv_first=True,
    definition="Validated Investigator Global Assessment for Atopic Dermatitis, usually a clinician's grade: "
    "{bands}. Success as in the dupilumab trials: 0 or 1 with an improvement of 2 grades or more from baseline.",
)

POEM = Measure(
    key="poem", label="POEM", name="Patient-Oriented Eczema Measure", condition=AD, place="ad", low=0, high=28,
    form=Form.ANSWERS, answers=(7, 4), after="easi", examples=(14, [2, 3, 1, 0, 4, 2, 1]), scored_by=("self",),
    description="POEM, {range}: the total, or the seven answers, 0-4 each (null for an unanswered one).",
    source="Charman et al., Arch Dermatol 2004;140:1513–9; bands: Charman et al., Br J Dermatol 2013;169:1326–32; "
    "change: Howells et al., Br J Dermatol 2018;178:1135–42",
    bands=Bands("poem_band", (Band("clear or almost clear", 2), Band("mild", 7), Band("moderate", 16),
                              Band("severe", 24), Band("very severe", 28))),
    changes=("change",), target=Target(points=POEM_MEANINGFUL), summary="ad", shown="condition", table="scores",
    chart="ad",
    fhir=Fhir("89870-0", "Total score [POEM]", "{score}", "survey",
              "Patient-Oriented Eczema Measure total, 0-28 (Charman 2004).", loinc=True),
    columns=(Column("poem", "POEM total, 0-28"), Column("poem_band", "POEM band (Charman 2013)"),
             Column("poem_change", "POEM minus the baseline's")),
    csv_first=True, expected=AD_SCORE, template="POEM {range}", counted=True,
    definition="Patient-Oriented Eczema Measure, 0–28. Bands: {bands}. A change of "
    f"{POEM_MEANINGFUL} or more is probably important, {POEM_MEANINGFUL + 1} or more very likely. " + ANSWERS_RULE,
)

DLQI = Measure(
    key="dlqi", label="DLQI", name="Dermatology Life Quality Index", low=0, high=30, form=Form.ANSWERS,
    answers=(10, 3), after="ad", examples=(8, [1, 0, 2, 1, 0, 0, 1, 0, 1, 2]), scored_by=("self",), always=True,
    counted=True,
    description="DLQI, {range}: the total, or the ten answers, 0-3 each (null for an unanswered one).",
    source="Finlay & Khan, Clin Exp Dermatol 1994;19:210–6; bands: Hongbo et al., J Invest Dermatol "
    "2005;125:659–64; change: Basra et al., Dermatology 2015;230:27–33",
    bands=Bands("dlqi_band", (Band("no effect", 1), Band("small effect", 5), Band("moderate effect", 10),
                              Band("very large effect", 20), Band("extremely large effect", 30))),
    changes=("change",), target=Target(points=DLQI_MEANINGFUL), summary="ad", shown="always", table="scores",
    chart="ad",
    fhir=Fhir("dlqi", "DLQI score", "{score}", "survey", "Dermatology Life Quality Index total, 0-30 (Finlay and "
              "Khan 1994)."),
    columns=(Column("dlqi", "DLQI total, 0-30"), Column("dlqi_band", "DLQI band"),
             Column("dlqi_change", "DLQI minus the baseline's")),
    csv_first=True,
    definition="Dermatology Life Quality Index, 0–30. Bands: {bands}. A change of "
    f"{DLQI_MEANINGFUL} points is meaningful. Unanswered questions are handled as for POEM (one counts 0, two or "
    "more: no score).",
)

ADCT = Measure(
    key="adct", label="ADCT", name="Atopic Dermatitis Control Tool", condition=AD, low=0, high=24,
    after="pgic", examples=(9,), scored_by=("self",),
    description="ADCT total (Atopic Dermatitis Control Tool), {range}, as scored on the official form.",
    source="Pariser et al., Curr Med Res Opin 2020;36:367–76; change: Simpson et al., BMC Dermatol 2019;19:15",
    bands=Bands("adct_control", (Band("in control", ADCT_NOT_CONTROLLED, True), Band("not in control", 24))),
    changes=("change",), target=Target(points=ADCT_MEANINGFUL), relative=False,
    milestones=(Milestone("adct_minus_5", f"ADCT −{ADCT_MEANINGFUL}", reduced_by=ADCT_MEANINGFUL,
                          needs_baseline=True),),
    summary="control", table="graded",
    fhir=Fhir("adct", "ADCT total score", "{score}", "survey",
              "Atopic Dermatitis Control Tool total, 0-24; 7 or more: not in control (Pariser 2019)."),
    columns=(Column("adct", "ADCT total, 0-24 (7 or more: not in control)"),
             Column("adct_change", "ADCT minus the baseline's")),
    template="ADCT total {range}, as scored on the official form",
    definition="Atopic Dermatitis Control Tool total, 0–24, as the patient scored it on the official form: "
    f"{ADCT_NOT_CONTROLLED} or more means not in control; a change of {ADCT_MEANINGFUL} points is meaningful "
    "within a patient.",
)

RECAP = Measure(
    key="recap", label="RECAP", name="Recap of atopic eczema", condition=AD, low=0, high=28, after="adct",
    examples=(8,), scored_by=("self",),
    description="RECAP total (Recap of atopic eczema), {range}, as scored on the official form.",
    source="Howells et al., Br J Dermatol 2020;183:524–36; change: Baker et al., Skin Health Dis 2024;4:e470",
    changes=("change",), target=Target(points=RECAP_IMPORTANT), relative=False, summary="control",
    table="graded",
    fhir=Fhir("recap", "RECAP total score", "{score}", "survey", "Recap of atopic eczema total, 0-28 (Howells 2020)."),
    columns=(Column("recap", "RECAP total, 0-28"), Column("recap_change", "RECAP minus the baseline's")),
    template="RECAP total {range}, as scored on the official form",
    definition="Recap of atopic eczema total, 0–28, as the patient scored it on the official form; a fall of "
    f"{RECAP_IMPORTANT} points or more is likely clinically important. No control bands are shown.",
)
