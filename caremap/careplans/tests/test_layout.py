"""Layout of the goal and care-planning maps, and the templates that draw them."""

import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import astuple
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils.html import escape
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from caremap.careplans.layout import (
    CAPITALS,
    FONT_SIZE,
    MAX_LINES,
    MIN_GAP,
    Edge,
    Node,
    care_plan_map,
    goal_map,
    text_width,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"

# Big maps with long labels take a while to generate; the example database
# is off, as in the other property tests, so runs leave no files behind.
MAP_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

WELSH = [
    "Llanfairpwllgwyngyllgogerychwyndrobwllllantysiliogogogoch",
    "ŵyr",
    "ŷd",
    "dŵr",
    "llwybr",
    "chwarae",
    "cwtsh",
    "Mynd",
    "i'r",
    "gampfa",
    "bob",
    "wythnos",
    "Ymddiriedolaeth",
    "cymdeithasol",
]

labels = st.one_of(
    st.just(""),
    st.text(alphabet=st.characters(categories=["L", "M", "N", "P", "Zs"]), max_size=40),
    st.lists(
        st.sampled_from([*WELSH, "a", "to", "supermarket", "well-being"]), max_size=60
    ).map(" ".join),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzMWŵŷâ", min_size=30, max_size=150),
)


def nodes(kind, prefix, *, min_size=0, max_size=30, groups=None):
    def build(items):
        return [
            Node(
                f"{prefix}{i}",
                kind,
                label,
                href=f"/edit/{prefix}{i}/" if has_href else None,
                group=group,
            )
            for i, (label, has_href, group) in enumerate(items)
        ]

    group = st.sampled_from(CAPITALS) if groups else st.none()
    return st.lists(
        st.tuples(labels, st.booleans(), group), min_size=min_size, max_size=max_size
    ).map(build)


# --- Checks shared by every layout ---------------------------------------------


def check_layout(layout, expected_nodes, expected_edges):
    boxes = layout.boxes
    ids = [box.node.id for box in boxes]
    assert sorted(ids) == sorted(node.id for node in expected_nodes)
    assert len(set(ids)) == len(ids)
    assert layout.width <= 960

    for box in boxes:
        assert box.x >= 0 and box.y >= 0
        assert box.right <= layout.width and box.bottom <= layout.height
        for line in box.lines:
            assert text_width(line, FONT_SIZE) <= box.text_width
        for line in box.label_lines:
            assert text_width(line, FONT_SIZE, bold=True) <= box.text_width
        assert box.lines == wrap(
            box.node.label, box.text_width, FONT_SIZE, max_lines=MAX_LINES
        )
        rows = box.text_rows
        assert len(rows) == len(box.label_lines) + len(box.lines)
        # Descenders reach about 0.25em below the baseline.
        assert not rows or rows[-1].y + 0.25 * FONT_SIZE <= box.bottom

    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a.right + MIN_GAP <= b.x
                or b.right + MIN_GAP <= a.x
                or a.bottom + MIN_GAP <= b.y
                or b.bottom + MIN_GAP <= a.y
            )
            assert apart, (a.node.id, b.node.id)

    by_id = {box.node.id: box for box in boxes}
    assert sorted(map(astuple, (line.edge for line in layout.edges))) == sorted(
        map(astuple, expected_edges)
    )
    for line in layout.edges:
        source, target = by_id[line.edge.source], by_id[line.edge.target]
        assert len(line.points) >= 2
        assert on_border(line.points[0], source)
        assert on_border(line.points[-1], target)
        for (x1, y1), (x2, y2) in zip(line.points, line.points[1:], strict=False):
            assert x1 == x2 or y1 == y2, "segments are horizontal or vertical"
            assert min(x1, x2) >= 0 and max(x1, x2) <= layout.width
            assert min(y1, y2) >= 0 and max(y1, y2) <= layout.height
            for box in boxes:
                if box is source or box is target:
                    continue
                assert not crosses((x1, y1), (x2, y2), box), (line.edge, box.node.id)


def on_border(point, box):
    x, y = point
    inside = box.x <= x <= box.right and box.y <= y <= box.bottom
    return inside and (x in (box.x, box.right) or y in (box.y, box.bottom))


def crosses(start, end, box):
    """True if the axis-aligned segment enters the box (touching is not)."""
    (x1, y1), (x2, y2) = start, end
    return (
        max(x1, x2) > box.x
        and min(x1, x2) < box.right
        and max(y1, y2) > box.y
        and min(y1, y2) < box.bottom
    )


# --- wrap() --------------------------------------------------------------------


@settings(MAP_SETTINGS, max_examples=200)
@given(
    text=labels,
    width=st.integers(min_value=50, max_value=400),
    bold=st.booleans(),
)
def test_wrapped_lines_fit_and_keep_every_character(text, width, bold):
    lines = wrap(text, width, FONT_SIZE, bold=bold)
    for line in lines:
        assert line and line == line.strip()
        assert text_width(line, FONT_SIZE, bold=bold) <= width

    def letters(s):
        return "".join(unicodedata.normalize("NFC", s).split()).replace("-", "")

    assert letters("".join(lines)) == letters(text)


# The wrap this module had before it was made linear, kept word for word as
# the reference: for text whose every word fits on a line the two must agree
# exactly. (It re-measured each growing prefix of a long word, so an
# unbroken run of 16,000 characters took seconds.)
def _reference_clusters(word):
    clusters = []
    for char in word:
        if clusters and unicodedata.combining(char) and char != "\u031b":
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _reference_break_word(word, width_px, font_size, bold):
    def fits(chunk):
        return text_width(chunk, font_size, bold=bold) <= width_px

    pieces = []
    rest = _reference_clusters(word)
    while not fits("".join(rest)):
        end = 1
        while end < len(rest) and fits("".join(rest[: end + 1]) + "-"):
            end += 1
        own = [
            cut
            for cut in range(2, len(rest))
            if rest[cut - 1] == "-" and fits("".join(rest[:cut]))
        ]
        if own:
            cut, suffix = own[-1], ""
        else:
            cut, suffix = end, "-"
            pair = (rest[cut - 1] + rest[cut]).lower() if cut < len(rest) else ""
            if pair in {"ch", "dd", "ff", "ng", "ll", "ph", "rh", "th"} and cut > 1:
                cut -= 1
        pieces.append("".join(rest[:cut]) + suffix)
        rest = rest[cut:]
    pieces.append("".join(rest))
    return pieces


def reference_wrap(text, width_px, font_size, *, bold=False):
    text = unicodedata.normalize("NFC", text or "")
    lines = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font_size, bold=bold) <= width_px:
            current = candidate
            continue
        if current:
            lines.append(current)
        if text_width(word, font_size, bold=bold) <= width_px:
            current = word
            continue
        pieces = _reference_break_word(word, width_px, font_size, bold)
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines


words = st.one_of(
    st.sampled_from([*WELSH[1:], "a", "to", "well-being", "Go", "gym"]),
    st.text(
        alphabet=st.characters(categories=["L", "M", "N", "P"]), min_size=1, max_size=8
    ),
)
spaces = st.sampled_from([" ", "  ", "\n", " \t", "\u00a0"])


@settings(MAP_SETTINGS, max_examples=300)
@given(
    text=st.lists(st.tuples(words, spaces), max_size=80).map(
        lambda pairs: "".join(w + sp for w, sp in pairs)
    ),
    width=st.integers(min_value=50, max_value=400),
    bold=st.booleans(),
)
def test_wrap_agrees_with_the_reference_when_every_word_fits(text, width, bold):
    assume(all(text_width(w, FONT_SIZE, bold=bold) <= width for w in text.split()))
    assert wrap(text, width, FONT_SIZE, bold=bold) == reference_wrap(
        text, width, FONT_SIZE, bold=bold
    )


@settings(MAP_SETTINGS, max_examples=200)
@given(text=labels, width=st.integers(min_value=50, max_value=400))
def test_wrap_breaks_long_words_as_the_reference_did(text, width):
    # Not promised (only lines that fit and keep every character are), but
    # the one-pass cut is meant to land where the old re-measuring did.
    assert wrap(text, width, FONT_SIZE) == reference_wrap(text, width, FONT_SIZE)


def test_wrap_cuts_an_unbroken_run_of_any_length_in_one_pass():
    # 200,000 characters: the reference would take hours over this.
    run = "x" * 200_000
    lines = wrap(run, 216, FONT_SIZE)
    assert "".join(line.rstrip("-") for line in lines) == run
    assert all(text_width(line, FONT_SIZE) <= 216 for line in lines)
    assert len(set(lines[:-1])) == 1, "every full line is cut at the same place"


@settings(MAP_SETTINGS, max_examples=200)
@given(
    text=labels,
    width=st.integers(min_value=50, max_value=400),
    max_lines=st.integers(min_value=1, max_value=6),
    bold=st.booleans(),
)
def test_max_lines_ends_a_longer_text_with_an_ellipsis(text, width, max_lines, bold):
    full = wrap(text, width, FONT_SIZE, bold=bold)
    shown = wrap(text, width, FONT_SIZE, bold=bold, max_lines=max_lines)
    if len(full) <= max_lines:
        assert shown == full
        return
    assert len(shown) == max_lines
    assert shown[:-1] == full[: max_lines - 1]
    last = shown[-1]
    assert last.endswith("\u2026")
    assert text_width(last, FONT_SIZE, bold=bold) <= width
    assert full[max_lines - 1].startswith(last[:-1])


def test_max_lines_prefers_to_cut_between_words():
    text = "Go to the gym every week " * 3
    # A line with room for the ellipsis keeps every word ...
    assert wrap(text, 115, 14, max_lines=2) == ["Go to the gym", "every week…"]
    # ... and one without loses its last word, not the end of a word.
    assert wrap(text, 115, 14, max_lines=1) == ["Go to the…"]


def test_max_lines_reads_only_as_far_as_it_shows():
    # A megabyte with no spaces: as many lines as asked for, the last cut
    # short; the rest is never measured.
    lines = wrap("x" * 1_000_000, 216, FONT_SIZE, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("\u2026")


def test_wrap_refuses_no_lines_at_all():
    with pytest.raises(ValueError):
        wrap("anything", 200, 14, max_lines=0)


def test_a_box_never_grows_past_its_line_limit():
    huge = "Get back to work and " * 50_000
    layout = goal_map(
        Node("g", "goal", huge),
        [Node("s", "step", "x" * 1_000_000)],
        [],
        [],
        [],
    )
    for box in layout.boxes:
        assert len(box.lines) == MAX_LINES
        assert box.lines[-1].endswith("\u2026")


def test_wrap_breaks_between_words_when_it_can():
    assert wrap("Go to the gym every week", 115, 14) == ["Go to the gym", "every week"]


def test_wrap_of_empty_or_blank_text_is_no_lines():
    assert wrap("", 100, 14) == []
    assert wrap(" \n\t ", 100, 14) == []


def test_wrap_hyphenates_a_word_longer_than_the_line():
    lines = wrap("Llanfairpwllgwyngyllgogerychwyndrobwllllantysiliogogogoch", 120, 14)
    assert lines == [
        "Llanfairpwllg-",
        "wyngyllgogery-",
        "chwyndrobwll-",
        "llantysiliogog-",
        "ogoch",
    ]


def test_wrap_keeps_welsh_digraphs_whole():
    # The same widths break straight after the first letter when it is
    # not the start of a digraph.
    assert wrap("aaaaaaalaaaa", 80, 14) == ["aaaaaaal-", "aaaa"]
    assert wrap("aaaaaaallaaaa", 80, 14) == ["aaaaaaa-", "llaaaa"]
    assert wrap("aaaaaaacaaaa", 88, 14) == ["aaaaaaac-", "aaaa"]
    assert wrap("aaaaaaachaaaa", 88, 14) == ["aaaaaaa-", "chaaaa"]


def test_wrap_breaks_after_a_words_own_hyphen():
    assert wrap("well-being-and-things", 120, 14) == ["well-being-", "and-things"]


def test_circumflexes_measure_as_their_letters():
    assert text_width("ŵŷ", 14) == text_width("wy", 14)
    assert text_width("w\u0302", 14) == text_width("ŵ", 14)


def test_unknown_characters_count_as_wide():
    assert text_width("\u4e2d", 14) >= text_width("W", 14)


def test_wrap_refuses_a_box_too_narrow_for_one_character():
    with pytest.raises(ValueError):
        wrap("anything", 20, 14)


@pytest.mark.parametrize(
    ("font", "bold"), [("DejaVuSans.ttf", False), ("DejaVuSans-Bold.ttf", True)]
)
def test_estimate_is_never_narrower_than_dejavu_sans(font, bold):
    """DejaVu Sans is WeasyPrint's usual fallback and wider than Arial."""
    path = Path("/usr/share/fonts/truetype/dejavu") / font
    if not path.exists():
        pytest.skip(f"{font} is not installed")
    ttlib = pytest.importorskip("fontTools.ttLib")
    ttf = ttlib.TTFont(path)
    cmap, metrics = ttf.getBestCmap(), ttf["hmtx"]
    em = ttf["head"].unitsPerEm
    latin = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x1E00, 0x1F00)]
    for code in [*latin, *range(0x2000, 0x2070)]:
        if code in cmap:
            actual = metrics[cmap[code]][0] / em * 100
            assert text_width(chr(code), 100, bold=bold) >= actual, hex(code)


# --- Goal map ------------------------------------------------------------------------


@MAP_SETTINGS
@given(
    goal=nodes("goal", "g", min_size=1, max_size=1),
    steps=nodes("step", "st"),
    strengths=nodes("strength", "s"),
    resources=nodes("resource", "r"),
    barriers=nodes("barrier", "b", max_size=12),
    solutions=st.lists(st.integers(min_value=0, max_value=4), max_size=12),
)
def test_goal_map_properties(goal, steps, strengths, resources, barriers, solutions):
    (goal,) = goal
    pairs = []
    for i, barrier in enumerate(barriers):
        count = solutions[i] if i < len(solutions) else 1
        pairs.append(
            (
                barrier,
                [
                    Node(f"{barrier.id}-so{j}", "solution", f"Fix {j}")
                    for j in range(count)
                ],
            )
        )
    layout = goal_map(goal, steps, strengths, resources, pairs)
    every = [goal, *steps, *strengths, *resources]
    every += [n for b, sols in pairs for n in (b, *sols)]
    edges = [Edge(goal.id, s.id, "has_step") for s in steps]
    edges += [Edge(s.id, goal.id, "helps") for s in strengths]
    edges += [Edge(r.id, goal.id, "supports") for r in resources]
    edges += [Edge(b.id, goal.id, "blocks") for b, _ in pairs]
    edges += [Edge(s.id, b.id, "solves") for b, sols in pairs for s in sols]
    check_layout(layout, every, edges)

    step_tops = [box.y for box in layout.boxes if box.kind == "step"]
    assert step_tops == sorted(step_tops), "steps read top to bottom in order"


def small_goal_map():
    return goal_map(
        Node("g", "goal", "Get a job", "/g/"),
        [Node("st", "step", "Write a CV", "/st/")],
        [Node("s", "strength", "Kind", "/s/")],
        [Node("r", "resource", "Library", "/r/")],
        [(Node("b", "barrier", "No bus", "/b/"), [Node("so", "solution", "Bike")])],
    )


def test_small_goal_map_coordinates():
    layout = small_goal_map()
    assert (layout.width, layout.height) == (936.0, 260.0)
    where = {b.node.id: (b.x, b.y, b.width, b.height) for b in layout.boxes}
    assert where == {
        "g": (320.0, 16.0, 296.0, 60.0),
        "s": (16.0, 16.0, 240.0, 60.0),
        "r": (16.0, 92.0, 240.0, 60.0),
        "st": (680.0, 16.0, 240.0, 60.0),
        "b": (348.0, 108.0, 268.0, 60.0),
        "so": (376.0, 184.0, 240.0, 60.0),
    }
    routes = {
        line.edge.source + ">" + line.edge.target: line.points for line in layout.edges
    }
    assert routes == {
        "g>st": [(616.0, 46.0), (680.0, 46.0)],
        "s>g": [(256.0, 46.0), (277.3, 46.0), (277.3, 36.0), (320.0, 36.0)],
        "r>g": [(256.0, 122.0), (298.7, 122.0), (298.7, 56.0), (320.0, 56.0)],
        "b>g": [(348.0, 138.0), (334.0, 138.0), (334.0, 76.0)],
        "so>b": [(376.0, 214.0), (362.0, 214.0), (362.0, 168.0)],
    }
    goal = layout.box("g")
    assert goal.label_lines == ["Goal"] and goal.lines == ["Get a job"]
    assert [(row.text, row.x, row.y, row.bold) for row in goal.text_rows] == [
        ("Goal", 334.0, 40.2, True),
        ("Get a job", 334.0, 60.2, False),
    ]


def test_goal_map_uses_the_callers_kind_labels():
    layout = goal_map(
        Node("g", "goal", "Cael swydd"), [], [], [], [], kind_labels={"goal": "Nod"}
    )
    assert layout.boxes[0].label_lines == ["Nod"]


def test_goal_map_rejects_nodes_of_the_wrong_kind_or_repeated():
    goal = Node("g", "goal", "Goal")
    with pytest.raises(ValueError):
        goal_map(goal, [Node("x", "barrier", "Not a step")], [], [], [])
    with pytest.raises(ValueError):
        goal_map(goal, [Node("g", "step", "Same id")], [], [], [])
    with pytest.raises(ValueError):
        Node("x", "wish", "Unknown kind")


# --- Care-planning map -------------------------------------------------------------


@st.composite
def care_plans(draw):
    strengths = draw(nodes("strength", "s", groups=True))
    goals = draw(nodes("goal", "g"))
    obstacles = [
        Node(n.id, draw(st.sampled_from(["barrier", "need"])), n.label, n.href)
        for n in draw(nodes("barrier", "b"))
    ]
    edges = []
    if goals:
        goal_ids = st.sampled_from([g.id for g in goals])
        for strength in strengths:
            for target in draw(st.sets(goal_ids, max_size=3)):
                edges.append(Edge(strength.id, target, "helps"))
        for obstacle in obstacles:
            for target in draw(st.sets(goal_ids, max_size=3)):
                edges.append(Edge(obstacle.id, target, "blocks"))
    return strengths, goals, obstacles, draw(st.permutations(edges))


@MAP_SETTINGS
@given(plan=care_plans())
def test_care_plan_map_properties(plan):
    strengths, goals, obstacles, edges = plan
    layout = care_plan_map(strengths, goals, obstacles, edges)
    check_layout(layout, [*strengths, *goals, *obstacles], edges)

    by_kind = {}
    for box in layout.boxes:
        by_kind.setdefault(box.kind, []).append(box)
    top = [b.y for b in by_kind.get("strength", [])]
    middle = [b.y for b in by_kind.get("goal", [])]
    bottom = [b.y for k in ("barrier", "need") for b in by_kind.get(k, [])]
    if top and middle:
        assert max(top) < min(middle)
    if middle and bottom:
        assert max(middle) < min(bottom)

    bands = {band.key: band for band in layout.bands}
    assert [band.key for band in layout.bands] == list(CAPITALS)
    for box in by_kind.get("strength", []):
        band = bands[box.node.group]
        assert band.x <= box.x and box.right <= band.x + band.width
        assert band.y <= box.y and box.bottom <= band.y + band.height
    for a, b in zip(layout.bands, layout.bands[1:], strict=False):
        assert a.x + a.width < b.x, "bands run left to right without overlapping"


def small_care_plan():
    strengths = [Node("s", "strength", "Family", "/s/", group="personal")]
    goals = [Node("g1", "goal", "Find work", "/g1/"), Node("g2", "goal", "Stay well")]
    obstacles = [Node("b", "barrier", "No bus", "/b/")]
    edges = [
        Edge("s", "g1", "helps"),
        Edge("s", "g2", "helps"),
        Edge("b", "g1", "blocks"),
    ]
    return care_plan_map(strengths, goals, obstacles, edges)


def test_small_care_plan_map_coordinates():
    # Strengths start under the 36px band headings (16 + 36 = 52); every box
    # is 60px tall (two 20px lines and 10px padding each side). The channel
    # below the strengths is 4px of band edge plus 40px; tracks sit 16px
    # into it, 6px apart. Ports are spread along the 228px between the
    # 24px insets, so one link attaches at the middle (x + 138).
    layout = small_care_plan()
    assert (layout.width, layout.height) == (956.0, 332.0)
    where = {b.node.id: (b.x, b.y, b.width, b.height) for b in layout.boxes}
    assert where == {
        "s": (32.0, 52.0, 276.0, 60.0),
        "g1": (32.0, 156.0, 276.0, 60.0),
        "g2": (340.0, 156.0, 276.0, 60.0),
        "b": (32.0, 256.0, 276.0, 60.0),
    }
    assert [line.points for line in layout.edges] == [
        [(132.0, 112.0), (132.0, 132.0), (170.0, 132.0), (170.0, 156.0)],
        [(208.0, 112.0), (208.0, 138.0), (478.0, 138.0), (478.0, 156.0)],
        [(170.0, 256.0), (170.0, 216.0)],
    ]
    assert [(b.key, b.x, b.y, b.width, b.height) for b in layout.bands] == [
        ("personal", 28.0, 16.0, 284.0, 100.0),
        ("social", 336.0, 16.0, 284.0, 100.0),
        ("community", 644.0, 16.0, 284.0, 100.0),
    ]


def test_links_to_a_goal_rows_away_run_down_a_gutter():
    goals = [Node(f"g{i}", "goal", f"Goal {i}") for i in range(4)]
    layout = care_plan_map(
        [Node("s", "strength", "Faith", group="community")],
        goals,
        [],
        [Edge("s", "g3", "helps")],
    )
    (line,) = layout.edges
    strength, goal = layout.box("s"), layout.box("g3")
    assert goal.y > strength.bottom + goal.height  # a row of goals in between
    xs = {x for x, _ in line.points}
    assert any(x < goal.x or x > goal.right for x in xs)


def test_care_plan_map_rejects_bad_links_and_capitals():
    goal = Node("g", "goal", "Goal")
    strength = Node("s", "strength", "Faith", group="community")
    barrier = Node("b", "barrier", "Debt")
    with pytest.raises(ValueError):
        care_plan_map([strength], [goal], [barrier], [Edge("s", "g", "blocks")])
    with pytest.raises(ValueError):
        care_plan_map([strength], [goal], [barrier], [Edge("s", "b", "helps")])
    with pytest.raises(ValueError):
        care_plan_map([strength], [goal], [], [Edge("s", "missing", "helps")])
    with pytest.raises(ValueError):
        care_plan_map([Node("s", "strength", "Faith")], [goal], [], [])


def test_empty_care_plan_map_still_shows_the_bands():
    layout = care_plan_map([], [], [], [])
    assert layout.boxes == [] and layout.edges == []
    assert [band.label for band in layout.bands] == ["Personal", "Social", "Community"]


# --- Outline ----------------------------------------------------------------------


def test_outline_of_a_care_plan_groups_by_goal():
    layout = care_plan_map(
        [
            Node("s1", "strength", "Family", group="personal"),
            Node("s2", "strength", "Choir", group="social"),
        ],
        [Node("g", "goal", "Find work")],
        [Node("n", "need", "Housing"), Node("b", "barrier", "Debt")],
        [Edge("s1", "g", "helps"), Edge("n", "g", "blocks")],
    )
    outline = layout.outline
    (goal,) = outline.goals
    assert [b.node.id for b in goal.helps] == ["s1"]
    assert goal.helps[0].group_label == "Personal"
    assert [item.box.node.id for item in goal.obstacles] == ["n"]
    assert [item.box.node.id for item in outline.unlinked] == ["s2", "b"]


# --- Templates ----------------------------------------------------------------------


def rendered_svg(layout, **context):
    html = render_to_string(
        "careplans/map.html", {"layout": layout, "map_id": "test-map", **context}
    )
    # Our own template's output, so the XML attacks S314 guards against
    # cannot arise.
    return ET.fromstring(html.strip())  # noqa: S314


@pytest.mark.parametrize("build", [small_goal_map, small_care_plan])
def test_map_template_draws_well_formed_svg_with_a_link_per_node(build):
    layout = build()
    svg = rendered_svg(layout, title="Ffion’s plan <draft>")
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "group"
    assert svg.get("aria-labelledby") == "test-map-title"
    assert svg.find(f"{SVG}title").text == "Ffion’s plan <draft>"
    assert svg.get("viewBox") == f"0 0 {layout.width} {layout.height}"

    links = svg.findall(f".//{SVG}a")
    with_href = [box for box in layout.boxes if box.node.href]
    assert sorted(a.get("href") for a in links) == sorted(
        b.node.href for b in with_href
    )
    text = " ".join("".join(a.itertext()) for a in links)
    for box in with_href:
        assert box.node.label in text
    assert len(svg.findall(f".//{SVG}polyline")) == len(layout.edges)
    dashed = [p for p in svg.iter(f"{SVG}polyline") if p.get("stroke-dasharray")]
    assert len(dashed) == sum(line.dashed for line in layout.edges)


def test_map_template_escapes_labels_and_skips_links_without_href():
    layout = goal_map(Node("g", "goal", 'Save £50 & "more" <soon>'), [], [], [], [])
    svg = rendered_svg(layout)
    assert svg.findall(f".//{SVG}a") == []
    assert "Save £50 &" in "".join(svg.itertext())
    assert svg.find(f"{SVG}title").text == "Care plan map"


@pytest.mark.parametrize("build", [small_goal_map, small_care_plan])
def test_outline_template_lists_every_label(build):
    layout = build()
    html = render_to_string("careplans/map_outline.html", {"layout": layout})
    for box in layout.boxes:
        assert box.node.label in html
        if box.node.href:
            assert f'href="{box.node.href}"' in html


@settings(MAP_SETTINGS, max_examples=15)
@given(plan=care_plans())
def test_templates_render_any_care_plan(plan):
    layout = care_plan_map(*plan)
    svg = rendered_svg(layout)
    assert len(svg.findall(f".//{SVG}a")) == sum(
        bool(b.node.href) for b in layout.boxes
    )
    html = render_to_string("careplans/map_outline.html", {"layout": layout})
    for box in layout.boxes:
        assert escape(box.node.label) in html


def test_maps_with_thirty_of_every_kind():
    """Hypothesis rarely reaches the largest sizes; check them outright."""
    long = " ".join(WELSH)

    def many(kind, prefix, **extra):
        return [
            Node(f"{prefix}{i}", kind, long[: 7 * i], f"/{prefix}{i}/", **extra)
            for i in range(30)
        ]

    goal = Node("g", "goal", long, "/g/")
    steps, strengths = many("step", "st"), many("strength", "s")
    resources = many("resource", "r")
    barriers = [
        (b, [Node(f"{b.id}-so{j}", "solution", long[j:], None) for j in range(3)])
        for b in many("barrier", "b")
    ]
    layout = goal_map(goal, steps, strengths, resources, barriers)
    every = [goal, *steps, *strengths, *resources]
    every += [n for b, sols in barriers for n in (b, *sols)]
    edges = [Edge("g", s.id, "has_step") for s in steps]
    edges += [Edge(s.id, "g", "helps") for s in strengths]
    edges += [Edge(r.id, "g", "supports") for r in resources]
    edges += [Edge(b.id, "g", "blocks") for b, _ in barriers]
    edges += [Edge(s.id, b.id, "solves") for b, sols in barriers for s in sols]
    check_layout(layout, every, edges)

    strengths = [
        Node(f"s{i}", "strength", long[: 5 * i], f"/s{i}/", group=CAPITALS[i % 3])
        for i in range(30)
    ]
    goals = many("goal", "g")
    obstacles = many("barrier", "b")[:15] + many("need", "n")[:15]
    edges = [
        Edge(s.id, goals[(i * 7) % 30].id, "helps") for i, s in enumerate(strengths)
    ]
    edges += [Edge(s.id, goals[-1].id, "helps") for s in strengths]
    edges += [
        Edge(o.id, goals[(i * 11) % 30].id, "blocks") for i, o in enumerate(obstacles)
    ]
    edges += [Edge(o.id, goals[0].id, "blocks") for o in obstacles]
    layout = care_plan_map(strengths, goals, obstacles, edges)
    check_layout(layout, [*strengths, *goals, *obstacles], edges)
