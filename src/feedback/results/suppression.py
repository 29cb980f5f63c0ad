"""What may be shown: small-number suppression, primary and secondary, in one place.

A percentage over fewer answers than the questionnaire's threshold could identify someone (a
victim, a child), so it is shown as suppressed, never as a number. Where groups add up to a
total that is shown (regions of the national figure, months of a year, an inspection and the
rest of the country), hiding one small group is not enough: it could be worked out by
subtracting the others from the total. So more groups are hidden, smallest first, until the
hidden groups together hold at least the threshold: then neither any one of them nor their
sum says anything about fewer than `threshold` people.

Every figure the results module returns has been through `hidden_groups` (a figure on its
own is a breakdown of one group).
"""

from __future__ import annotations

from typing import Hashable, Iterable, Literal, Mapping, TypeVar

from ..questionnaires import QuestionnaireDefinition

K = TypeVar("K", bound=Hashable)

Viewer = Literal["public", "staff"]


def suppress(n: int, threshold: int) -> bool:
    """Return True when a figure over `n` answers must be shown as suppressed.

    No answers at all is shown as such ("n = 0", no percentage): it identifies nobody.
    """
    if threshold < 1:
        raise ValueError("the suppression threshold is at least 1")
    return 0 < n < threshold


def hidden_groups(
    sizes: Mapping[K, int], threshold: int, also: Iterable[K] = ()
) -> frozenset[K]:
    """Return the groups whose figures must be shown as suppressed.

    `sizes` maps each group to its n; together the groups make up a total that is shown.
    Primary: every group with 0 < n < threshold, and the groups in `also` (hidden for another
    reason, such as their response count being hidden). Secondary: while the hidden groups
    hold fewer than `threshold` answers between them (for instance exactly one is hidden),
    also hide the smallest group still shown (ties broken by the order of `sizes`), so no
    hidden figure can be recovered from the total and the groups shown.
    """
    forced = set(also)
    hidden = [key for key, n in sizes.items() if suppress(n, threshold) or key in forced]
    hidden_total = sum(sizes[key] for key in hidden)
    shown = sorted(
        (key for key, n in sizes.items() if n > 0 and key not in hidden),
        key=lambda key: sizes[key],  # stable: ties keep the caller's order
    )
    while shown and suppress(hidden_total, threshold):
        smallest = shown.pop(0)
        hidden.append(smallest)
        hidden_total += sizes[smallest]
    return frozenset(hidden)


def threshold_for(
    definition: QuestionnaireDefinition, viewer: Viewer = "public", override: int | None = None
) -> int:
    """Return the smallest n whose figures `viewer` may see for this questionnaire.

    The post-inspection evaluation (audience "organisation") is an organisation's own return
    about the inspection: staff may see it per inspection, one return at a time. Everyone else,
    and every other questionnaire, gets the questionnaire's declared threshold.
    """
    if override is not None:
        if override < 1:
            raise ValueError("the suppression threshold is at least 1")
        return override
    if viewer == "staff" and definition.audience == "organisation":
        return 1
    if viewer not in ("public", "staff"):
        raise ValueError(f"unknown viewer {viewer!r}")
    return definition.suppression_threshold
