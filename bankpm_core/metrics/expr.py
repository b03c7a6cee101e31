"""Arithmetic over named measures (``(promoters - detractors) / responses * 100``).

Parsed with :mod:`ast` and evaluated by walking a whitelist of node types, so a
catalog expression can never run code. Division by zero yields NaN (no data), not
an exception: a ratio with an empty denominator has no value.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

import numpy as np

_BINOPS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: None}


class ExprError(ValueError):
    pass


def parse_expr(text: str) -> ast.Expression:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"cannot parse expression {text!r}: {exc.msg}") from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.Load | ast.Name | ast.operator | ast.unaryop):
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            continue
        raise ExprError(f"unsupported element {type(node).__name__} in {text!r}")
    return tree


def names_in(text: str) -> set[str]:
    return {n.id for n in ast.walk(parse_expr(text)) if isinstance(n, ast.Name)}


def evaluate(text: str, values: Mapping[str, Any]) -> Any:
    """Evaluate over scalars or pandas Series (element-wise)."""

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Div):
                with np.errstate(divide="ignore", invalid="ignore"):
                    right_f = np.asarray(right, dtype=float)
                    result = np.divide(
                        np.asarray(left, dtype=float),
                        np.where(right_f == 0, np.nan, right_f),
                    )
                if hasattr(left, "index"):
                    return type(left)(result, index=left.index)
                if hasattr(right, "index"):
                    return type(right)(result, index=right.index)
                return float(result)
            return _BINOPS[type(node.op)](left, right)
        raise ExprError(f"unsupported node {type(node).__name__}")

    return walk(parse_expr(text))
