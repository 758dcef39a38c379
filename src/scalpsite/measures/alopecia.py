"""The alopecia areata measures: SALT with its classes, the vellus share, eyebrows and eyelashes,
the psychosocial impact, diffuse or rapid loss, the Alopecia Areata Scale and PGI-C.

Each entry is the one definition of its measure (kinds.py says what the fields mean); the
published sources are those of docs/clinical-definitions.md.
"""

from __future__ import annotations

from scalpsite.findings import Level
from scalpsite.journal.fieldtypes import Plausible
from scalpsite.measures.kinds import (
    AA,
    Band,
    Bands,
    Code,
    Column,
    Expected,
    Fhir,
    Form,
    Masked,
    Measure,
    Milestone,
    Step,
    Target,
)

OLSEN = "Olsen et al., J Am Acad Dermatol 2004;51:440–7"
SALT_RELATIVE = (30, 50, 75, 90)  # SALT30 ... SALT90: relative improvement from baseline, %
SALT_ABSOLUTE = (20, 10)  # SALT ≤ 20 (the phase 3 trials' primary endpoint) and ≤ 10


def _pcts(values: tuple[int, ...]) -> str:
    return "/".join(str(v) for v in values)


# SALT measured from the painted masks: the distance from the entered SALT that is reported, and the
# findings of the checks of it.
MASKS_APART = 10  # points of SALT
SALT_MASKS = Masked(
    limit=MASKS_APART,
    disagrees=Code("salt-disagrees", Level.WARNING, "The SALT entered and the SALT measured from the masks "
                   f"are more than {MASKS_APART} points apart.", "One of them is likely wrong.", "Check the estimate "
                   "against the masks, or the masks against the photos.",
                   "`salt: 20` with masks that paint 45 % of the scalp red."),
    region_twice=Code("salt-region-twice", Level.ERROR, "Two angles measure the same SALT region in "
                      "`photos.salt_regions`.", "A region counts once in SALT.", "Give each region one angle.",
                      ("scalpsite.yaml", "photos: {salt_regions: {overhead: top, front: top}}\n")),
)


SALT = Measure(
    key="salt", label="SALT", name="Severity of Alopecia Tool", subject="scalp hair loss", condition=AA, always=True, counted=True,
    description="SALT, percent of scalp hair lost ({range}, Olsen 2004): the loss per region (the total is "
    "computed), or a total estimate.",
    source=OLSEN, step=Step.DECIMAL, decimals=2, form=Form.PARTS, parts="SaltRegions", unit="%", after="date",
    examples=({"top": 60, "back": 30, "left": 20, "right": 25}, 39.3),
    changes=("change", "improvement_pct"), headline=True, case=True, shown="own",
    milestones=(
        Milestone("salt_le_20", "SALT ≤ 20", at_most=20, line="SALT 20: trial success threshold"),
        Milestone("salt_le_10", "SALT ≤ 10", at_most=10, line="SALT 10"),
        *[Milestone(f"salt{n}", f"SALT{n}", improved_pct=n) for n in SALT_RELATIVE],
    ),
    fhir=Fhir("salt", "SALT score", "%", "exam", "Severity of Alopecia Tool: percent of scalp hair lost, "
              "0-100 (Olsen 2004); components per region when the regions were recorded."),
    columns=(Column("salt", "SALT, % scalp hair lost, 0-100 (given or computed from the regions)"),
             Column("salt_top", "SALT region top, % loss (empty when a total was given)", "salt_regions.top"),
             Column("salt_back", "SALT region back, % loss", "salt_regions.back"),
             Column("salt_left", "SALT region left, % loss", "salt_regions.left"),
             Column("salt_right", "SALT region right, % loss", "salt_regions.right"),
             Column("salt_class", "Olsen S-class of the SALT score (S0-S5)"),
             Column("aa_iga", "AA-IGA grade from SALT, 0-4"),
             Column("salt_change", "SALT points minus the baseline's (negative is better)"),
             Column("salt_improvement_pct", "relative SALT improvement from baseline, %")),
    csv_first=True,
    expected=Expected("missing-salt", "SALT not recorded",
                      "add salt: {top: .., back: .., left: .., right: ..} (% loss per region)"),
    template="% hair loss per region, {range}",
    masks=SALT_MASKS,
    definition="Severity of Alopecia Tool: 0.40 × top + 0.24 × back + 0.18 × left + 0.18 × right, each the % "
    "of terminal-hair loss in that region (vellus counts as loss); 0–100. Change in points = current − baseline, "
    "negative is better. Relative improvement = (baseline − current) / baseline; "
    f"SALT{_pcts(SALT_RELATIVE)} = improvement ≥ {_pcts(SALT_RELATIVE)} %. SALT ≤ {SALT_ABSOLUTE[0]} and "
    f"≤ {SALT_ABSOLUTE[1]}: the absolute endpoints of the phase 3 trials.",
)

SALT_CLASS = Measure(
    key="salt_class", label="S-class", name="Olsen S-class", condition=AA, derived_from="salt", shown="own",
    description="", source="Olsen et al. 2004",
    bands=Bands("salt_class", (Band("S0", 0), Band("S1", 25, True), Band("S2", 50, True), Band("S3", 75, True),
                               Band("S4", 100, True), Band("S5", 100))),
    definition="S0 = 0; S1 under 25; S2 25 to under 50; S3 50 to under 75; S4 75 to under 100; S5 = 100. The "
    "S4a/S4b split of S4 found in some reports is not used.",
)

AA_IGA = Measure(
    key="aa_iga", label="AA-IGA", name="Alopecia Areata Investigator Global Assessment", condition=AA,
    derived_from="salt", description="", source="Wyrwich et al., Br J Dermatol 2020;183:702–9", low=0, high=4,
    shown="own",
    bands=Bands("aa_iga_label", (Band("none", 0, grade=0), Band("limited", 20, grade=1),
                                 Band("moderate", 50, True, grade=2), Band("severe", 95, True, grade=3),
                                 Band("very severe", 100, grade=4))),
    definition="0 none (SALT 0); 1 limited (over 0 to 20); 2 moderate (over 20 to under 50); 3 severe (50 to "
    "under 95); 4 very severe (95–100): the published integer ranges 1–20, 21–49, 50–94, 95–100 applied as "
    "half-open bins to non-integer scores.",
)

VELLUS = Measure(
    key="vellus_pct", label="Vellus share", name="Vellus share of regrowing hair", condition=AA, always=True,
    description="Share of regrowing hairs that are vellus (fine, downy); terminal = 100 - vellus.",
    source="", step=Step.DECIMAL, unit="%", scale="%", place="hair_quality", examples=(30,),
    plausible=Plausible(fraction=True), lower_is_better=False, shown="recorded", table="scores", short="Vellus",
    fhir=Fhir("vellus-percent", "Vellus share of regrowing hair", "%", "exam",
              "Share of regrowing hairs that are vellus (fine, downy), in percent."),
    columns=(Column("vellus_pct", "share of regrowing hairs that are vellus, %"),), csv_first=True, template="",
    definition="Fine, short, unpigmented hairs; the vellus share is the percentage of regrowing hairs that are "
    "vellus (terminal = 100 − vellus). SALT counts vellus hair as loss.", glossary_term="Vellus",
)

CLINRO = ("King et al., N Engl J Med 2022;386:1687–99 (BRAVE-AA1/2); responder: Mostaghimi et al., integrated "
          "BRAVE-AA1/2 eyebrow and eyelash analysis")
CLINRO_ELIGIBLE = 2  # a baseline of 2 (significant gaps) or 3 (none)
CLINRO_RESPONSE = 1  # reaches 0 (full) or 1 (minimal gaps)
RESPONDER_RULE = "0 or 1 from a baseline of 2 or 3 (BRAVE-AA)"


def _clinro(key: str, label: str, short: str, one: str, head: str, definition: str = "") -> Measure:
    """Eyebrows or eyelashes (`one`: eyebrow, eyelash): the ClinRO 0-3 of BRAVE-AA, its responder, its words."""
    return Measure(
        key=key, label=label, name=f"{one.capitalize()} hair loss (ClinRO)", condition=AA, source=CLINRO, low=0,
        high=3, description=f"{head} (ClinRO, {{range}}): 0 full coverage, 1 minimal gaps, 2 significant gaps, "
        f"3 no notable {key}.", after="notes" if key == "eyebrows" else "eyebrows",
        examples=(2 if key == "eyebrows" else 1,), short=short,
        scale_prefix="ClinRO",
        bands=Bands(None, (Band("full coverage", 0), Band("minimal gaps", 1), Band("significant gaps", 2),
                                     Band("none", 3))),
        target=Target(points=1, at_most=CLINRO_RESPONSE, eligible_from=CLINRO_ELIGIBLE, words=RESPONDER_RULE),
        milestones=(Milestone(f"{key}_response", f"{label} response", reaches=CLINRO_RESPONSE,
                              eligible_from=CLINRO_ELIGIBLE),),
        summary="clinro", table="graded", case=True,
        fhir=Fhir(f"{one}-clinro", f"{one.capitalize()} hair loss (ClinRO)", "{score}", "exam",
                  f"{label}, 0 full coverage, 1 minimal gaps, 2 significant gaps, 3 no notable {key} (BRAVE-AA)."),
        columns=(Column(key, f"{one} ClinRO, 0 full coverage to 3 none"),),
        template="0 full, 1 minimal gaps, 2 significant gaps, 3 none",
        glossary_term="Brows, lashes" if definition else None, definition=definition,
        photo_note=f"{key} (graded by the {one} ClinRO); no SALT weight",
    )


EYEBROWS = _clinro("eyebrows", "Eyebrows", "Brows", "eyebrow", "Eyebrow hair", definition=(
    "ClinRO measures of eyebrow and eyelash hair loss: 0 full coverage, 1 minimal gaps, 2 significant gaps, 3 no "
    f"notable eyebrows (eyelashes). Response as in the integrated BRAVE-AA analysis: a baseline of "
    f"{CLINRO_ELIGIBLE} or 3 that reaches 0 or {CLINRO_RESPONSE} with at least 1 point of improvement (other "
    "BRAVE-AA reports and ALLEGRO count an improvement of 2 points or more)."))
EYELASHES = _clinro("eyelashes", "Eyelashes", "Lashes", "eyelash", "Eyelashes")

PSYCHOSOCIAL = Measure(
    key="psychosocial_impact", label="Psychosocial impact", name="Psychosocial impact of the hair loss",
    condition=AA, source="King et al., J Am Acad Dermatol 2022;86:359–64", low=0, high=10, after="eyelashes",
    description="How much the hair loss weighs on mood, work and social life, 0 (not at all) to 10 (extremely); "
    "the Alopecia Areata Scale counts 6 or more as significant.", examples=(4,), short="Impact", table="graded",
    scored_by=("self",),
    columns=(Column("psychosocial_impact", "impact of the hair loss on psychosocial functioning, 0-10"),),
    template="how much the hair loss weighs on daily life, {range}",
)

RAPID = Measure(
    key="rapidly_progressive", label="Diffuse or rapidly progressive", name="Diffuse or rapidly progressive loss",
    condition=AA, source="King et al., J Am Acad Dermatol 2022;86:359–64", form=Form.YES_NO, low=0, high=1,
    description="true when a clinician found the loss diffuse or rapidly progressive (multifocal positive pull "
    "test), false when found not to be.", examples=(False,), after="psychosocial_impact", scored_by=("clinician",),
    columns=(Column("rapidly_progressive", "true or false as a clinician found; empty when not recorded"),),
)

# The Alopecia Areata Scale (King 2022): the level from the scalp loss, and what moves it up one level.
AA_SCALE_LEVELS = Bands("aa_scale", (Band("mild", 20), Band("moderate", 50, True), Band("severe", 100)))
AA_SCALE_INVOLVED = 2  # ClinRO 2 (significant gaps) or 3 (none): noticeable involvement
AA_SCALE_PSYCHOSOCIAL = 6  # of 10: a significant negative impact
AA_SCALE_ADEQUATE_PCT = SALT_RELATIVE[0]  # a relative SALT improvement that counts as a response (SALT30)
AA_SCALE_TREATED_DAYS = 183  # 6 months of treatment (6 average calendar months, rounded)

AA_SCALE = Measure(
    key="aa_scale", label="AA Scale", name="Alopecia Areata Scale", condition=AA, derived_from="salt", shown="own",
    reasons=True,
    description="", source="King et al., J Am Acad Dermatol 2022;86:359–64",
    columns=(Column("aa_scale", "Alopecia Areata Scale (King 2022): mild, moderate or severe"),
             Column("aa_scale_reasons", "why the AA Scale moved up one level, separated by '; '", "aa_scale_reasons")),
    definition="Alopecia Areata Scale: scalp hair loss 20 % or less mild, 21–49 % moderate, 50–100 % severe "
    "(half-open for non-integer SALT, as AA-IGA). Mild or moderate moves up one level if any of: noticeable "
    f"eyebrow or eyelash involvement (read here as ClinRO {AA_SCALE_INVOLVED} or 3); inadequate response after "
    f"6 months or more of treatment (read here as no SALT{AA_SCALE_ADEQUATE_PCT} at a session "
    f"{AA_SCALE_TREATED_DAYS} days or more after the start); diffuse (multifocal positive pull test) or rapidly "
    f"progressive loss, as a clinician recorded it; psychosocial impact {AA_SCALE_PSYCHOSOCIAL} or more of 10. "
    "The reasons are shown; a feature not recorded is named, as the level may then be higher.",
)

PGIC_RESPONSE = 2  # greatly or moderately improved (ALLEGRO)
PGIC = Measure(
    key="pgic", label="PGI-C", name="Patient Global Impression of Change", condition=AA, low=1, high=7,
    source="King et al., Lancet 2023;401:1518–29 (ALLEGRO-2b/3)", after="rapidly_progressive", scored_by=("self",),
    description="Patient Global Impression of Change of the hair loss since before treatment: 1 greatly, "
    "2 moderately, 3 slightly improved, 4 no change, 5 slightly, 6 moderately, 7 greatly worse.", examples=(2,),
    compared=False, relative=False,
    bands=Bands("pgic_label", tuple(Band(w, i) for i, w in enumerate(
        ("greatly improved", "moderately improved", "slightly improved", "no change", "slightly worse",
         "moderately worse", "greatly worse"), start=1))),
    target=Target(at_most=PGIC_RESPONSE, words="moderately improved or better"),
    milestones=(Milestone("pgic_response", "PGI-C improved", at_most=PGIC_RESPONSE, once_recorded=True),),
    summary="impression", table="graded",
    fhir=Fhir("pgic", "Patient Global Impression of Change", "{score}", "survey",
              "The hair loss since before treatment, 1 greatly improved to 7 greatly worse (ALLEGRO)."),
    columns=(Column("pgic", "PGI-C, 1 greatly improved to 7 greatly worse"),),
    template="hair since before treatment: 1 greatly, 2 moderately, 3 slightly\n"
    "improved, 4 no change, 5 slightly, 6 moderately, 7 greatly worse",
    definition="Patient Global Impression of Change of the hair loss since before treatment: 1 greatly, "
    "2 moderately, 3 slightly improved, 4 no change, 5 slightly, 6 moderately, 7 greatly worse. Responder as in "
    f"ALLEGRO: {PGIC_RESPONSE} or better (greatly or moderately improved).",
)
