"""Fixed layouts for the care-plan maps (no database, no Django, no templates).

Two node-link maps are drawn as server-side SVG by
``careplans/map.html``, with ``careplans/map_outline.html`` giving the same
content as nested lists for people who cannot see the picture. Everything
the templates need (positions, wrapped text, the corner points of polygons,
the route of every link) is worked out here, because the Content-Security-
Policy forbids ``style=`` attributes and Django templates cannot do
arithmetic. Coordinates are SVG user units (px at 100%), origin top left.

Goal map (:func:`goal_map`), one goal::

    strengths  ──helps──▶ ┌──────┐ ──has step──▶ step 1
    resources ─supports─▶ │ goal │ ──has step──▶ step 2
                          └──────┘
                          ▲   barrier 1   (blocks)
                          ├── barrier 2
                              ▲ solution (solves)

Three columns: what helps on the left (strengths first, then resources),
the goal at the top of the centre column, the steps in order on the right.
Barriers are stacked below the goal in the centre column, each followed by
its solutions. Links leave and enter boxes at right angles and travel only
through empty space: side links run along a vertical trunk in the gutter
between columns; "blocks" links run up a lane down the left of the centre
column (barriers are indented by one lane); "solves" links run up a second
lane (solutions are indented by two lanes).

Care-planning map (:func:`care_plan_map`), the whole plan: one grid of
three fixed-width columns. The top rows are the strengths, one column per
capital (the bands "Personal", "Social", "Community", left to right), so a
band with many strengths simply grows downwards; then the goals, three to a
row; then barriers and unmet needs, three to a row. Each row is as tall as
its tallest box. A link leaves the bottom of the upper box, runs along the
empty channel below that row, down the nearest empty gutter between
columns if it has rows to pass, along the channel above the lower box, and
into its top. Every link has its own track (height) in each channel so
parallel runs do not merge, and tracks are ordered to keep crossings few;
gutters have a handful of tracks that are reused when crowded. Links may
cross each other but never cross a box. Links sharing a box side attach
at points spread along it.

Text is wrapped with :func:`wrap`, which measures with a deliberately
generous table of character widths (see :data:`CHAR_WIDTHS`), so a box is
never too small for its text in any common sans-serif font, including the
wide DejaVu Sans that WeasyPrint falls back to on servers.

Use::

    layout = goal_map(goal, steps, strengths, resources, barriers)
    {% include "careplans/map.html" with layout=layout map_id="goal-map" title=... %}
    {% include "careplans/map_outline.html" with layout=layout %}
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from dataclasses import dataclass, field

# --- Text measurement -------------------------------------------------------

#: Character widths in em for a regular-weight sans-serif. Each class is at
#: least as wide as the widest of its members in Arial/Helvetica and in
#: DejaVu Sans (the widest common sans, and WeasyPrint's usual fallback),
#: so estimates err on the side of too wide. Accented letters (Welsh ŵ, ŷ,
#: â …) are measured by their base letter; combining marks take no room;
#: any character not listed is treated as the widest class. The tests
#: check every Latin letter and punctuation mark against DejaVu Sans;
#: other scripts are assumed to be no wider than 1.15em a character
#: (CJK and Hangul are 1em).
#:
#: ============  =====  ===========================================
#: class         em     members
#: ============  =====  ===========================================
#: narrow        0.44   space i j l f r t I ! ' , . : ; ( ) [ ] / |
#: normal        0.66   other lower case, digits, $ * ? _ { } –
#: broad         0.82   capitals but I M W; w " &
#: wide          1.15   m M W % @ # + < = > ^ ~ — … and the unknown
#: ============  =====  ===========================================
CHAR_WIDTHS = {
    "narrow": 0.44,
    "normal": 0.66,
    "broad": 0.82,
    "wide": 1.15,
}
_NARROW = frozenset(" !'(),-./:;I[\\]fijlrt|\u2018\u2019\u201a\u0131\u00a0")
_BROAD = frozenset('ABCDEFGHJKLNOPQRSTUVXYZw"&\u201c\u201d\u201e')
_WIDE = frozenset("mMW%@#+<=>^~\u2014\u2026")
# Per mille and per ten thousand are wider than any class.
_SPECIAL = {"\u2030": 1.5, "\u2031": 2.0}
_NORMAL = frozenset("abcdeghknopqsuvxyz0123456789$*?_`{}\u2013\u00b7") - (
    _NARROW | _BROAD | _WIDE
)

#: Bold text is at most this much wider than regular in the fonts above
#: (DejaVu Sans Bold against DejaVu Sans, rounded up).
BOLD_FACTOR = 1.15

#: The hyphen added where a word too long for a line is broken.
_HYPHEN = "-"

#: Welsh digraphs are single letters of the alphabet, so a forced break
#: avoids splitting them when it can.
_WELSH_DIGRAPHS = frozenset({"ch", "dd", "ff", "ng", "ll", "ph", "rh", "th"})


# Unlike other accents, the horn (Vietnamese ơ, ư) sticks out sideways.
_HORN = "\u031b"


def char_width(char, font_size, *, bold=False):
    """Estimated advance width in px of one character (or cluster)."""
    total = 0.0
    for c in _base_letters(char):
        if c == _HORN:
            em = CHAR_WIDTHS["narrow"]
        elif unicodedata.combining(c):
            em = 0.0
        elif c in _SPECIAL:
            em = _SPECIAL[c]
        elif c in _NARROW:
            em = CHAR_WIDTHS["narrow"]
        elif c in _NORMAL:
            em = CHAR_WIDTHS["normal"]
        elif c in _BROAD:
            em = CHAR_WIDTHS["broad"]
        else:
            em = CHAR_WIDTHS["wide"]
        total += em
    return total * font_size * (BOLD_FACTOR if bold else 1.0)


def _base_letters(char):
    """``char`` decomposed into letters and marks: é is e and an accent,
    and the compatibility ligatures (ǆ, ﬁ) are their letters. Full-width
    and other presentation forms are left whole, so they count as wide."""
    letters = []
    for c in char:
        compat = unicodedata.normalize("NFKD", c)
        spacing = [d for d in compat if not unicodedata.combining(d)]
        if unicodedata.decomposition(c).startswith("<compat>") and len(spacing) > 1:
            letters += compat
        else:
            parts = unicodedata.normalize("NFD", c)
            spacing = [d for d in parts if not unicodedata.combining(d)]
            # A Hangul syllable decomposes into its jamo, which are drawn
            # stacked in one square, not side by side.
            letters += parts if len(spacing) <= 1 else c
    return letters


def text_width(text, font_size, *, bold=False):
    """Estimated width in px of ``text`` on one line; never an underestimate
    for the fonts described at :data:`CHAR_WIDTHS`."""
    return sum(char_width(c, font_size, bold=bold) for c in text)


def _clusters(word):
    """``word`` split into characters with any combining marks kept on the
    letter they belong to, so a break never strands an accent. Lazy, so a
    caller that needs only the first few lines reads only that far."""
    cluster = ""
    for char in word:
        # The horn takes room of its own, so it may be split off; keeping
        # every cluster to one spacing character means any cluster fits a
        # line, and the width check in wrap() can promise that.
        if cluster and unicodedata.combining(char) and char != _HORN:
            cluster += char
        else:
            if cluster:
                yield cluster
            cluster = char
    if cluster:
        yield cluster


# The widest single character plus a hyphen, with room to spare.
_MIN_EMS = 3

#: Marks the end of a label cut short by ``max_lines``.
_ELLIPSIS = "\u2026"


class _Widths:
    """Widths of characters as :func:`char_width` gives them, each worked out
    once: decomposing a character is the slow part of measuring."""

    def __init__(self, font_size, bold):
        self.font_size, self.bold, self.known = font_size, bold, {}

    def of(self, text, *, give_up_over=None):
        """The width of each character of ``text``, in order; or None as
        soon as they add up to more than ``give_up_over``, so a very long
        word is not measured to its end only to learn it is too long."""
        known = self.known
        out = []
        total = 0.0
        for char in text:
            width = known.get(char)
            if width is None:
                width = known[char] = char_width(char, self.font_size, bold=self.bold)
            out.append(width)
            if give_up_over is not None:
                total += width
                if total > give_up_over:
                    return None
        return out


def wrap(text, width_px, font_size, *, bold=False, max_lines=None):
    """Greedy word wrap of ``text`` into lines no wider than ``width_px``.

    Runs of whitespace (including newlines) separate words. A word too long
    for a line starts a new line and is broken across lines, after one of
    its own hyphens where possible, otherwise with an added hyphen (never
    inside a Welsh digraph such as "ll" or "ch" unless a single letter pair
    is all that fits). Empty or blank text gives no lines. ``width_px`` must
    be at least 3em, room for any one character and a hyphen.

    With ``max_lines``, text that needs more lines is cut short: the last
    line shown ends with an ellipsis. The time taken is linear in the
    length of the text, and with ``max_lines`` it depends only on what is
    shown, however long the text.
    """
    if width_px < _MIN_EMS * font_size * (BOLD_FACTOR if bold else 1):
        raise ValueError(f"{width_px}px is too narrow for {font_size}px text")
    if max_lines is not None and max_lines < 1:
        raise ValueError("max_lines must be at least 1")
    widths = _Widths(font_size, bold)
    lines = _lines(unicodedata.normalize("NFC", text or ""), width_px, widths)
    if max_lines is None:
        return list(lines)
    shown = list(itertools.islice(lines, max_lines + 1))
    if len(shown) > max_lines:
        shown = shown[: max_lines - 1] + [
            _ellipsize(shown[max_lines - 1], width_px, widths)
        ]
    return shown


def _lines(text, width_px, widths):
    """The wrapped lines, one at a time. Each word is measured once; a line
    is re-added from its characters' widths (in order, as text_width() adds
    them, so the sums agree to the last bit), and a line holds so few
    words that this stays linear."""
    space = widths.of(" ")
    current, current_widths = "", []
    for word in text.split():
        # Twice the width is far from any rounding doubt about "too wide".
        word_widths = widths.of(word, give_up_over=2 * width_px)
        if word_widths is not None:
            candidate = current_widths + space + word_widths if current else word_widths
            if sum(candidate) <= width_px:
                current = f"{current} {word}" if current else word
                current_widths = candidate
                continue
        if current:
            yield current
        if word_widths is not None and sum(word_widths) <= width_px:
            current, current_widths = word, word_widths
            continue
        pieces = _break_word(word, width_px, widths)
        current = next(pieces)
        for piece in pieces:
            yield current
            current = piece
        current_widths = widths.of(current)
    if current:
        yield current


def _break_word(word, width_px, widths):
    """``word``, too wide for a line, cut into pieces that fit, in one pass:
    each piece is measured as it is read, never re-measured from the start
    of the word."""
    hyphen = sum(widths.of(_HYPHEN))
    clusters = _clusters(word)
    # Clusters read but not yet placed, and the sum of their widths so far.
    ahead, ahead_widths = [], []
    while True:
        # Read until the piece no longer fits (or the word ends).
        total, fitting = 0.0, 0
        for i, w in enumerate(ahead_widths):
            total += w
            if total > width_px:
                break
            fitting = i + 1
        else:
            for cluster in clusters:
                ahead.append(cluster)
                w = sum(widths.of(cluster))
                ahead_widths.append(w)
                total += w
                if total > width_px:
                    break
                fitting = len(ahead)
        if fitting == len(ahead):
            yield "".join(ahead)
            return
        # Longest prefix that still leaves room for an added hyphen (at
        # least one cluster), and the last of the word's own hyphens that
        # ends a prefix that fits: no extra hyphen is needed there.
        end, own, total = 1, None, 0.0
        for i in range(fitting):
            total += ahead_widths[i]
            if i >= 1 and total + hyphen <= width_px:
                end = i + 1
            if i >= 1 and ahead[i] == _HYPHEN:
                own = i + 1
        if own is not None:
            cut, suffix = own, ""
        else:
            cut, suffix = end, _HYPHEN
            pair = (ahead[cut - 1] + ahead[cut]).lower()
            if pair in _WELSH_DIGRAPHS and cut > 1:
                cut -= 1
        yield "".join(ahead[:cut]) + suffix
        del ahead[:cut], ahead_widths[:cut]


def _ellipsize(line, width_px, widths):
    """``line`` shortened as needed to end with an ellipsis, within the width."""
    clusters = list(_clusters(line))
    room = width_px - sum(widths.of(_ELLIPSIS))
    while clusters and sum(widths.of("".join(clusters))) > room:
        clusters.pop()
    kept = "".join(clusters)
    # Cut at the last space rather than inside a word, where there is one.
    if len(kept) < len(line) and line[len(kept)] != " " and " " in kept:
        kept = kept[: kept.rindex(" ")]
    return kept.rstrip(" " + _HYPHEN) + _ELLIPSIS


# --- Data --------------------------------------------------------------------

KINDS = ("goal", "step", "strength", "resource", "barrier", "solution", "need")

#: English kind labels; callers pass translated ones.
DEFAULT_KIND_LABELS = {
    "goal": "Goal",
    "step": "Step",
    "strength": "Strength",
    "resource": "Resource",
    "barrier": "Barrier",
    "solution": "Solution",
    "need": "Unmet need",
}

#: The three recovery capitals, in the order their bands are drawn.
CAPITALS = ("personal", "social", "community")
DEFAULT_BAND_LABELS = {
    "personal": "Personal",
    "social": "Social",
    "community": "Community",
}

#: Edge kinds. Each link is drawn from source to target, arrowhead at target.
EDGE_KINDS = ("has_step", "helps", "supports", "blocks", "solves")

#: The SVG shape the template draws for each node kind; shape, not colour,
#: tells kinds apart.
SHAPES = {
    "goal": "goal",  # rectangle, thick border
    "step": "arrow",  # rectangle with a point on its right
    "strength": "rounded",
    "resource": "double",  # rounded with a second, inner border
    "barrier": "octagon",
    "solution": "dashed",  # rounded, dashed border
    "need": "hexagon",
}

FONT_SIZE = 14
LINE_HEIGHT = 20
PAD_X = 12
PAD_Y = 10
#: Depth of the point on a step and of the points on an unmet need, and the
#: corner cut of a barrier's octagon.
NOTCH = 14
CORNER = 8
#: Smallest space between any two boxes.
MIN_GAP = 16
#: The most lines of text a box shows. Longer text ends in an ellipsis on
#: the map, so no box grows without bound; the outline beside the map, and
#: the page the box links to, give it in full.
MAX_LINES = 12


@dataclass(frozen=True)
class Node:
    """Something drawn as a box. ``group`` is the capital (personal, social
    or community) of a strength on the care-planning map."""

    id: str
    kind: str
    label: str
    href: str | None = None
    group: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown node kind {self.kind!r}")


@dataclass(frozen=True)
class Edge:
    """A link from ``source`` to ``target`` (node ids); see EDGE_KINDS."""

    source: str
    target: str
    kind: str

    def __post_init__(self):
        if self.kind not in EDGE_KINDS:
            raise ValueError(f"unknown edge kind {self.kind!r}")


@dataclass(frozen=True)
class TextRow:
    text: str
    x: float
    y: float  # baseline
    bold: bool


@dataclass(frozen=True)
class Box:
    """A node placed on the canvas. ``label_lines`` is the wrapped kind
    label (drawn bold, above ``lines``); ``group_label`` the translated band
    name of a strength on the care-planning map."""

    node: Node
    x: float
    y: float
    width: float
    height: float
    lines: list[str]
    shape: str
    label_lines: list[str] = field(default_factory=list)
    group_label: str = ""

    @property
    def kind(self):
        return self.node.kind

    @property
    def kind_label(self):
        return " ".join(self.label_lines)

    @property
    def right(self):
        return self.x + self.width

    @property
    def bottom(self):
        return self.y + self.height

    @property
    def text_left(self):
        return self.x + PAD_X + _insets(self.node.kind)[0]

    @property
    def text_width(self):
        """Room for one line of text, in px."""
        return _text_width_for(self.node.kind, self.width)

    @property
    def text_rows(self):
        """Every line to draw, kind label first, with its baseline."""
        rows = []
        # Baseline sits a little below the middle of its line: half the
        # leading plus an ascent of about 0.8em.
        first = self.y + PAD_Y + (LINE_HEIGHT - FONT_SIZE) / 2 + 0.8 * FONT_SIZE
        texts = [(t, True) for t in self.label_lines] + [(t, False) for t in self.lines]
        for index, (text, bold) in enumerate(texts):
            rows.append(
                TextRow(text, _r(self.text_left), _r(first + index * LINE_HEIGHT), bold)
            )
        return rows

    @property
    def points(self):
        """Corner points for polygon shapes, as an SVG ``points`` value."""
        x, y, r, b = self.x, self.y, self.right, self.bottom
        mid = y + self.height / 2
        if self.shape == "arrow":
            corners = [(x, y), (r - NOTCH, y), (r, mid), (r - NOTCH, b), (x, b)]
        elif self.shape == "hexagon":
            corners = [
                (x, mid),
                (x + NOTCH, y),
                (r - NOTCH, y),
                (r, mid),
                (r - NOTCH, b),
                (x + NOTCH, b),
            ]
        elif self.shape == "octagon":
            c = CORNER
            corners = [
                (x + c, y),
                (r - c, y),
                (r, y + c),
                (r, b - c),
                (r - c, b),
                (x + c, b),
                (x, b - c),
                (x, y + c),
            ]
        else:
            corners = [(x, y), (r, y), (r, b), (x, b)]
        return " ".join(f"{_r(px)},{_r(py)}" for px, py in corners)

    # The resource's inner border, 4px inside the outer one.
    @property
    def inner_x(self):
        return _r(self.x + 4)

    @property
    def inner_y(self):
        return _r(self.y + 4)

    @property
    def inner_width(self):
        return _r(self.width - 8)

    @property
    def inner_height(self):
        return _r(self.height - 8)


@dataclass(frozen=True)
class Line:
    """The route of one edge, from a point on the source box's border to a
    point on the target box's border, through right-angled bends."""

    edge: Edge
    points: list[tuple[float, float]]

    @property
    def points_attr(self):
        return " ".join(f"{x},{y}" for x, y in self.points)

    @property
    def dashed(self):
        return self.edge.kind == "blocks"


@dataclass(frozen=True)
class Band:
    """A labelled background for one capital's strengths."""

    key: str
    label_lines: list[str]
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self):
        return " ".join(self.label_lines)

    @property
    def text_rows(self):
        first = self.y + 8 + (LINE_HEIGHT - FONT_SIZE) / 2 + 0.8 * FONT_SIZE
        return [
            TextRow(text, _r(self.x + 8), _r(first + i * LINE_HEIGHT), True)
            for i, text in enumerate(self.label_lines)
        ]


@dataclass(frozen=True)
class OutlineItem:
    box: Box
    children: list[OutlineItem] = field(default_factory=list)


@dataclass(frozen=True)
class OutlineGoal:
    box: Box
    steps: list[Box]
    helps: list[Box]
    obstacles: list[OutlineItem]


@dataclass(frozen=True)
class Outline:
    goals: list[OutlineGoal]
    unlinked: list[OutlineItem]


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    boxes: list[Box]
    edges: list[Line]
    bands: list[Band] = field(default_factory=list)

    def box(self, node_id):
        for box in self.boxes:
            if box.node.id == node_id:
                return box
        raise KeyError(node_id)

    @property
    def outline(self):
        """The map as a tree for ``map_outline.html``: each goal with its
        steps (in order), what helps it, and what could get in its way with
        the solutions to each; then anything linked to no goal."""
        by_id = {box.node.id: box for box in self.boxes}
        order = {box.node.id: i for i, box in enumerate(self.boxes)}
        edges = [line.edge for line in self.edges]

        def sources(target, kinds):
            found = [e.source for e in edges if e.target == target and e.kind in kinds]
            return [by_id[i] for i in sorted(set(found), key=order.__getitem__)]

        linked = set()
        goals = []
        for box in self.boxes:
            if box.kind != "goal":
                continue
            goal_id = box.node.id
            steps = sorted(
                {
                    e.target
                    for e in edges
                    if e.source == goal_id and e.kind == "has_step"
                },
                key=order.__getitem__,
            )
            helps = sources(goal_id, {"helps", "supports"})
            obstacles = [
                OutlineItem(b, [OutlineItem(s) for s in sources(b.node.id, {"solves"})])
                for b in sources(goal_id, {"blocks"})
            ]
            linked |= {goal_id, *steps}
            linked |= {b.node.id for b in helps}
            for item in obstacles:
                linked.add(item.box.node.id)
                linked |= {child.box.node.id for child in item.children}
            goals.append(OutlineGoal(box, [by_id[s] for s in steps], helps, obstacles))
        unlinked = []
        for box in self.boxes:
            if box.node.id in linked or box.kind == "solution":
                continue
            solutions = [
                OutlineItem(s)
                for s in sources(box.node.id, {"solves"})
                if s.node.id not in linked
            ]
            unlinked.append(OutlineItem(box, solutions))
            linked |= {box.node.id} | {s.box.node.id for s in solutions}
        unlinked += [
            OutlineItem(box)
            for box in self.boxes
            if box.kind == "solution" and box.node.id not in linked
        ]
        return Outline(goals, unlinked)


# --- Shared helpers -----------------------------------------------------------


def _r(value):
    # Tenths of a pixel are invisible; shorter numbers keep the SVG small.
    return round(value, 1) + 0.0


def _insets(kind):
    """Extra room inside the border, left and right, that text must keep
    clear of: the point of a step, the points of a need, the corners of a
    barrier, the thick border of a goal."""
    return {
        "step": (0, NOTCH),
        "need": (NOTCH, NOTCH),
        "barrier": (2, 2),
        "goal": (2, 2),
    }.get(kind, (0, 0))


def _text_width_for(kind, box_width):
    left, right = _insets(kind)
    return box_width - 2 * PAD_X - left - right


def _make_box(node, x, y, width, kind_labels, group_label=""):
    room = _text_width_for(node.kind, width)
    label_lines = wrap(
        kind_labels.get(node.kind, node.kind), room, FONT_SIZE, bold=True
    )
    lines = wrap(node.label, room, FONT_SIZE, max_lines=MAX_LINES)
    height = 2 * PAD_Y + (len(label_lines) + len(lines)) * LINE_HEIGHT
    return Box(
        node=node,
        x=_r(x),
        y=_r(y),
        width=_r(width),
        height=_r(height),
        lines=lines,
        shape=SHAPES[node.kind],
        label_lines=label_lines,
        group_label=group_label,
    )


def _labels(kind_labels):
    return {**DEFAULT_KIND_LABELS, **(kind_labels or {})}


def _check_kind(nodes, kinds, role):
    for node in nodes:
        if node.kind not in kinds:
            raise ValueError(f"{node.id!r} is a {node.kind}, not a {role}")


def _check_unique(nodes):
    seen = set()
    for node in nodes:
        if node.id in seen:
            raise ValueError(f"node id {node.id!r} is used twice")
        seen.add(node.id)


def _route(points):
    """Rounded points with repeats and straight-through bends removed."""
    out = []
    for x, y in points:
        point = (_r(x), _r(y))
        if out and out[-1] == point:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (ax == bx == point[0]) or (ay == by == point[1]):
                out[-1] = point
                continue
        out.append(point)
    return out


def _crossings(above, below):
    """How often two links cross in a channel if ``above`` takes the higher
    track: its drop out of the channel against the other's run, and the
    other's entry from above against its run."""
    _, above_in, above_out = above
    _, below_in, below_out = below
    count = 0
    if min(below_in, below_out) <= above_out <= max(below_in, below_out):
        count += 1
    if min(above_in, above_out) <= below_in <= max(above_in, above_out):
        count += 1
    return count


def _fewer_crossings(a, b):
    """Sort order for a channel's tracks: ``a`` goes higher if that crosses
    ``b`` less often. Not a strict order, but a good enough heuristic."""
    return _crossings(a, b) - _crossings(b, a) or a[0] - b[0]


# --- Goal map --------------------------------------------------------------------

MARGIN = 16
SIDE_WIDTH = 240
CENTRE_WIDTH = 296
GUTTER = 64
#: Width of each lane down the left of the centre column ("blocks" runs in
#: the first, "solves" in the second).
LANE = 28
STACK_GAP = 16
BARRIER_GAP = 32


def goal_map(goal, steps, strengths, resources, barriers, *, kind_labels=None):
    """Lay out one goal with its steps, what helps it, and its barriers.

    ``barriers`` is a list of ``(barrier_node, [solution_nodes])``.
    ``kind_labels`` maps node kinds to the (translated) words printed above
    each box; missing kinds fall back to :data:`DEFAULT_KIND_LABELS`.
    """
    labels = _labels(kind_labels)
    _check_kind([goal], {"goal"}, "goal")
    _check_kind(steps, {"step"}, "step")
    _check_kind(strengths, {"strength"}, "strength")
    _check_kind(resources, {"resource"}, "resource")
    _check_kind([b for b, _ in barriers], {"barrier", "need"}, "barrier")
    _check_kind([s for _, sols in barriers for s in sols], {"solution"}, "solution")
    _check_unique(
        [goal, *steps, *strengths, *resources]
        + [n for b, sols in barriers for n in (b, *sols)]
    )

    left_x = MARGIN
    centre_x = left_x + SIDE_WIDTH + GUTTER
    right_x = centre_x + CENTRE_WIDTH + GUTTER
    width = right_x + SIDE_WIDTH + MARGIN

    goal_box = _make_box(goal, centre_x, MARGIN, CENTRE_WIDTH, labels)
    boxes = [goal_box]
    lines = []

    def stack(nodes, x, width, top):
        placed = []
        y = top
        for node in nodes:
            box = _make_box(node, x, y, width, labels)
            placed.append(box)
            y = box.bottom + STACK_GAP
        return placed

    step_boxes = stack(steps, right_x, SIDE_WIDTH, MARGIN)
    side = stack([*strengths, *resources], left_x, SIDE_WIDTH, MARGIN)
    strength_boxes, resource_boxes = side[: len(strengths)], side[len(strengths) :]
    boxes += strength_boxes + resource_boxes + step_boxes

    # Steps: along the goal's right edge, out to a trunk in the right gutter.
    goal_mid = goal_box.y + goal_box.height / 2
    trunk = goal_box.right + GUTTER / 2
    for box in step_boxes:
        mid = box.y + box.height / 2
        lines.append(
            Line(
                Edge(goal.id, box.node.id, "has_step"),
                _route(
                    [
                        (goal_box.right, goal_mid),
                        (trunk, goal_mid),
                        (trunk, mid),
                        (box.x, mid),
                    ]
                ),
            )
        )

    # Strengths and resources enter the goal's left edge at different
    # heights, on different trunks, so the two kinds of link stay apart.
    if strength_boxes and resource_boxes:
        entries = [goal_box.height / 3, 2 * goal_box.height / 3]
    else:
        entries = [goal_box.height / 2] * 2
    for boxes_of_kind, kind, entry, trunk in (
        (strength_boxes, "helps", entries[0], left_x + SIDE_WIDTH + GUTTER / 3),
        (resource_boxes, "supports", entries[1], left_x + SIDE_WIDTH + 2 * GUTTER / 3),
    ):
        for box in boxes_of_kind:
            mid = box.y + box.height / 2
            target_y = goal_box.y + entry
            lines.append(
                Line(
                    Edge(box.node.id, goal.id, kind),
                    _route(
                        [
                            (box.right, mid),
                            (trunk, mid),
                            (trunk, target_y),
                            (goal_box.x, target_y),
                        ]
                    ),
                )
            )

    # Barriers below the goal, each followed by its solutions.
    y = goal_box.bottom + BARRIER_GAP
    blocks_lane = centre_x + LANE / 2
    solves_lane = centre_x + LANE + LANE / 2
    for barrier, solutions in barriers:
        barrier_box = _make_box(
            barrier, centre_x + LANE, y, CENTRE_WIDTH - LANE, labels
        )
        boxes.append(barrier_box)
        mid = barrier_box.y + barrier_box.height / 2
        lines.append(
            Line(
                Edge(barrier.id, goal.id, "blocks"),
                _route(
                    [
                        (barrier_box.x, mid),
                        (blocks_lane, mid),
                        (blocks_lane, goal_box.bottom),
                    ]
                ),
            )
        )
        y = barrier_box.bottom + STACK_GAP
        for solution in solutions:
            box = _make_box(
                solution, centre_x + 2 * LANE, y, CENTRE_WIDTH - 2 * LANE, labels
            )
            boxes.append(box)
            mid = box.y + box.height / 2
            lines.append(
                Line(
                    Edge(solution.id, barrier.id, "solves"),
                    _route(
                        [
                            (box.x, mid),
                            (solves_lane, mid),
                            (solves_lane, barrier_box.bottom),
                        ]
                    ),
                )
            )
            y = box.bottom + STACK_GAP
        y += BARRIER_GAP - STACK_GAP

    height = max(box.bottom for box in boxes) + MARGIN
    return Layout(width=_r(width), height=_r(height), boxes=boxes, edges=lines)


# --- Care-planning map ---------------------------------------------------------------

COLUMNS = 3
COLUMN_WIDTH = 276
#: Space between columns and round the edge; links run down these gutters.
COLUMN_GAP = 32
#: A channel between rows is at least this tall; each link running along
#: it adds TRACK, and the first and last tracks keep ARROW_ROOM from the
#: boxes so an arrowhead always has a straight run to sit on.
MIN_CHANNEL = 40
ARROW_ROOM = 16
TRACK = 6
#: Offsets of the tracks in a gutter, reused round-robin when crowded.
GUTTER_TRACKS = (0, -4, 4, -8, 8)
#: How far in from a box's corners links may attach.
PORT_INSET = 24
BAND_PAD = 4


def care_plan_map(
    strengths,
    goals,
    barriers_and_needs,
    edges,
    *,
    kind_labels=None,
    band_labels=None,
):
    """Lay out the whole plan: strengths in bands by capital, goals, then
    barriers and unmet needs, with the given links.

    Each strength's ``group`` must be one of :data:`CAPITALS`. ``edges``
    may only link a strength to a goal ("helps") or a barrier or need to a
    goal ("blocks"); a node may have any number of links, or none.
    ``band_labels`` maps capitals to translated band names.
    """
    labels = _labels(kind_labels)
    bands_text = {**DEFAULT_BAND_LABELS, **(band_labels or {})}
    _check_kind(strengths, {"strength"}, "strength")
    _check_kind(goals, {"goal"}, "goal")
    _check_kind(barriers_and_needs, {"barrier", "need"}, "barrier or need")
    _check_unique([*strengths, *goals, *barriers_and_needs])
    for node in strengths:
        if node.group not in CAPITALS:
            raise ValueError(
                f"strength {node.id!r} has no capital (got {node.group!r})"
            )
    kinds = {n.id: n.kind for n in (*strengths, *goals, *barriers_and_needs)}
    for edge in edges:
        pair = (kinds.get(edge.source), kinds.get(edge.target))
        allowed = {
            ("strength", "goal"): "helps",
            ("barrier", "goal"): "blocks",
            ("need", "goal"): "blocks",
        }
        if allowed.get(pair) != edge.kind:
            raise ValueError(f"cannot draw {edge} between a {pair[0]} and a {pair[1]}")

    def column_x(col):
        return COLUMN_GAP + col * (COLUMN_WIDTH + COLUMN_GAP)

    def gutter_x(gutter):
        return COLUMN_GAP / 2 + gutter * (COLUMN_WIDTH + COLUMN_GAP)

    width = COLUMNS * COLUMN_WIDTH + (COLUMNS + 1) * COLUMN_GAP

    # Rows of (column, node); box heights first, positions later.
    by_band = [[n for n in strengths if n.group == capital] for capital in CAPITALS]
    rows = [
        [(col, band[i]) for col, band in enumerate(by_band) if i < len(band)]
        for i in range(max(map(len, by_band), default=0))
    ]
    strength_rows = len(rows)
    for section in (goals, barriers_and_needs):
        rows += [
            list(enumerate(section[i : i + COLUMNS]))
            for i in range(0, len(section), COLUMNS)
        ]
    cell = {}  # node id -> (row, column)
    heights = []
    for row_index, row in enumerate(rows):
        tallest = 0
        for col, node in row:
            cell[node.id] = (row_index, col)
            probe = _make_box(node, 0, 0, COLUMN_WIDTH, labels)
            tallest = max(tallest, probe.height)
        heights.append(tallest)

    # Each edge runs from its upper box down to its lower one.
    plans = []
    for index, edge in enumerate(edges):
        up, down = (edge.source, edge.target)
        if kinds[edge.source] != "strength":
            up, down = down, up  # a barrier sits below the goal it blocks
        (ra, ca), (rb, cb) = cell[up], cell[down]
        plans.append((index, edge, up, down, ra, ca, rb, cb))

    # Ports: links sharing a box side are spread out along it, ordered by
    # where they are going so that they do not cross just outside the box.
    # Only x is needed, and columns fix x before any row has a height.
    ports = {}
    for side in ("bottom", "top"):
        attached = {}
        for index, _, up, down, *_ in plans:
            mine, other = (up, down) if side == "bottom" else (down, up)
            row, col = cell[other]
            attached.setdefault(mine, []).append((col, row, index))
        for node_id, items in attached.items():
            left = column_x(cell[node_id][1]) + PORT_INSET
            span = COLUMN_WIDTH - 2 * PORT_INSET
            for i, (*_, index) in enumerate(sorted(items)):
                ports[(index, side)] = left + span * (i + 1) / (len(items) + 1)

    # A link between rows that are not neighbours goes down a gutter: the
    # one beside its upper box on the side of its lower box.
    gutters = {}
    gutter_use = {}
    for index, _, _, _, ra, ca, rb, cb in plans:
        if rb != ra + 1:
            gutter = ca + 1 if cb >= ca else ca
            used = gutter_use.get(gutter, 0)
            gutter_use[gutter] = used + 1
            gutters[index] = gutter_x(gutter) + GUTTER_TRACKS[used % len(GUTTER_TRACKS)]

    # Tracks: each link gets its own height in each channel it runs along
    # (channel k lies between rows k and k+1), entering from above at one x
    # and leaving downwards at another.
    channel_users = [[] for _ in range(max(len(rows) - 1, 0))]
    for index, _, _, _, ra, _, rb, _ in plans:
        top, bottom = ports[(index, "bottom")], ports[(index, "top")]
        if index in gutters:
            channel_users[ra].append((index, top, gutters[index]))
            channel_users[rb - 1].append((index, gutters[index], bottom))
        else:
            channel_users[ra].append((index, top, bottom))
    track_of = {}
    for k, users in enumerate(channel_users):
        users.sort(key=functools.cmp_to_key(_fewer_crossings))
        for track, (index, *_) in enumerate(users):
            track_of[(k, index)] = track
    channel_heights = [
        max(MIN_CHANNEL, 2 * ARROW_ROOM + (len(users) - 1) * TRACK)
        for users in channel_users
    ]

    # Band headings, then the rows.
    band_label_lines = [
        wrap(bands_text[c], COLUMN_WIDTH + 2 * BAND_PAD - 16, FONT_SIZE, bold=True)
        for c in CAPITALS
    ]
    head = 16 + max(len(lines) for lines in band_label_lines) * LINE_HEIGHT
    row_tops = []
    y = MARGIN + head
    for row_index, height in enumerate(heights):
        row_tops.append(y)
        y += height
        if row_index < len(channel_heights):
            y += channel_heights[row_index]
            if row_index == strength_rows - 1:
                y += BAND_PAD  # the bands' bottom edge, above the channel
    if strength_rows:
        bands_bottom = (
            row_tops[strength_rows - 1] + heights[strength_rows - 1] + BAND_PAD
        )
    else:
        bands_bottom = MARGIN + head
    bands = [
        Band(
            key=capital,
            label_lines=band_label_lines[col],
            x=_r(column_x(col) - BAND_PAD),
            y=_r(MARGIN),
            width=_r(COLUMN_WIDTH + 2 * BAND_PAD),
            height=_r(bands_bottom - MARGIN),
        )
        for col, capital in enumerate(CAPITALS)
    ]

    boxes = []
    by_id = {}
    for row_index, row in enumerate(rows):
        for col, node in row:
            group_label = bands_text[node.group] if node.kind == "strength" else ""
            box = _make_box(
                node,
                column_x(col),
                row_tops[row_index],
                COLUMN_WIDTH,
                labels,
                group_label,
            )
            boxes.append(box)
            by_id[node.id] = box

    def channel_top(k):
        return row_tops[k] + heights[k] + (BAND_PAD if k == strength_rows - 1 else 0)

    def track_y(k, index):
        return channel_top(k) + ARROW_ROOM + track_of[(k, index)] * TRACK

    lines = []
    for index, edge, up, down, ra, _, rb, _ in plans:
        upper, lower = by_id[up], by_id[down]
        xa, xb = ports[(index, "bottom")], ports[(index, "top")]
        first = track_y(ra, index)
        points = [(xa, upper.bottom), (xa, first)]
        if index in gutters:
            gx, last = gutters[index], track_y(rb - 1, index)
            points += [(gx, first), (gx, last), (xb, last)]
        else:
            points += [(xb, first)]
        points.append((xb, lower.y))
        route = _route(points)
        if edge.source == down:
            route.reverse()
        lines.append(Line(edge, route))

    height = max([b.bottom for b in boxes] + [bands_bottom]) + MARGIN
    return Layout(
        width=_r(width), height=_r(height), boxes=boxes, edges=lines, bands=bands
    )
