"""Benchmarks: `python -m benchmarks` (`make bench`).

Each benchmark is a module with `run() -> Report`, listed in `benchmarks.__main__.BENCHMARKS`.
A report holds figures measured against a baseline in the same run (ratios, not absolute
speeds, so they mean something on any machine) and says whether each target was met.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Figure:
    """One line of a report: what the baseline did, what we did, and the target."""

    metric: str
    baseline: str
    measured: str
    result: str
    target: str = ""
    met: bool | None = None  # None: a figure with no target


@dataclass(frozen=True, slots=True)
class Report:
    name: str  # the module's short name; also its marker in docs/
    title: str
    figures: tuple[Figure, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def met(self) -> bool:
        return all(figure.met is not False for figure in self.figures)

    def markdown(self) -> str:
        lines = [
            f"**{self.title}**",
            "",
            "| metric | baseline | this engine | result | target | met |",
            "|---|---|---|---|---|---|",
        ]
        for f in self.figures:
            met = "" if f.met is None else ("yes" if f.met else "**NO**")
            lines.append(
                f"| {f.metric} | {f.baseline} | {f.measured} | {f.result} | {f.target} | {met} |"
            )
        if self.notes:
            lines.append("")
            lines.extend(f"- {note}" for note in self.notes)
        return "\n".join(lines)


def megabytes(n: float) -> str:
    return f"{n / 1_000_000:.1f} MB"


def seconds(s: float) -> str:
    return f"{s:.2f} s" if s < 10 else f"{s:.1f} s"
