"""The remix tree as a picture: a layered layout computed here, drawn as SVG by a template.

Steps:
1. Layers by distance: sources above the record (depth −1, −2, …), works using it below.
2. Order each layer to keep lines from crossing: nodes start by id, then each layer,
   from the record outwards, is sorted by the mean position of its neighbours in the
   layer nearer the record (the barycentre heuristic), twice.
3. A layer wider than `max_per_layer` keeps the nodes with the most connections to the
   layer nearer the record and collapses the rest into one "+N more" box, so a record
   with 5,000 sources still draws as a readable picture.
4. Boxes get coordinates; every edge between two drawn boxes becomes a curve from the
   source's bottom to the derived work's top.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ensemble.lineage.graph import Edge
from ensemble.lineage.present import Node

BOX_W, BOX_H = 168, 128
GAP_X, GAP_Y = 24, 72
MARGIN = 24


@dataclass
class Box:
    node: Node
    x: int
    y: int

    @property
    def center_x(self) -> int:
        return self.x + BOX_W // 2


@dataclass
class More:
    x: int
    y: int
    count: int


@dataclass
class Curve:
    path: str
    kind: str


@dataclass
class Tree:
    width: int
    height: int
    boxes: list[Box]
    mores: list[More]
    curves: list[Curve]
    box_w: int = BOX_W
    box_h: int = BOX_H


def layout(nodes: list[Node], edges: list[Edge], *, max_per_layer: int = 12) -> Tree:
    layers: dict[int, list[Node]] = defaultdict(list)
    for node in sorted(nodes, key=lambda n: n.record.pk):
        layers[node.depth].append(node)
    neighbours: dict[int, set[int]] = defaultdict(set)
    for edge in edges:
        neighbours[edge.derived_id].add(edge.source_id)
        neighbours[edge.source_id].add(edge.derived_id)

    position: dict[int, float] = {}
    hidden: dict[int, int] = {}
    for depth in sorted(layers, key=abs):  # the record first, then outwards
        layer = layers[depth]

        def barycentre(node: Node) -> float:
            """Mean position of its neighbours already placed (nearer the record)."""
            near = [position[n] for n in neighbours[node.record.pk] if n in position]
            return sum(near) / len(near) if near else float(len(position))

        if len(layer) > max_per_layer:
            layer.sort(key=lambda n: -len(neighbours[n.record.pk] & set(position)))
            hidden[depth] = len(layer) - (max_per_layer - 1)
            layer[:] = layer[: max_per_layer - 1]
        for _ in range(2):
            layer.sort(key=barycentre)
        for index, node in enumerate(layer):
            position[node.record.pk] = index

    widest = max((len(layer) + (1 if d in hidden else 0) for d, layer in layers.items()), default=1)
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    top = min(layers, default=0)
    boxes: dict[int, Box] = {}
    mores: list[More] = []
    for depth, layer in layers.items():
        count = len(layer) + (1 if depth in hidden else 0)
        row_width = count * BOX_W + (count - 1) * GAP_X
        left = (width - row_width) // 2
        y = MARGIN + (depth - top) * (BOX_H + GAP_Y)
        for index, node in enumerate(layer):
            boxes[node.record.pk] = Box(node, left + index * (BOX_W + GAP_X), y)
        if depth in hidden:
            mores.append(More(left + len(layer) * (BOX_W + GAP_X), y, hidden[depth]))
    curves = []
    for edge in edges:
        source, derived = boxes.get(edge.source_id), boxes.get(edge.derived_id)
        if source is None or derived is None:
            continue
        x1, y1 = source.center_x, source.y + BOX_H
        x2, y2 = derived.center_x, derived.y
        bend = (y2 - y1) // 2
        path = f"M{x1},{y1} C{x1},{y1 + bend} {x2},{y2 - bend} {x2},{y2}"
        curves.append(Curve(path, edge.kind))
    height = MARGIN * 2 + (len(layers) or 1) * BOX_H + (max(len(layers) - 1, 0)) * GAP_Y
    return Tree(width, height, list(boxes.values()), mores, curves)
