"""The checkers of notebook 06 (precision@k, NDCG@k) recognize each typical mistake."""

from __future__ import annotations

import math

import numpy as np
import pytest

import mlite_helpers as mh
from mlite_support import exercises

# -- precision@k: right ways and typical wrong ones ------------------------------------------


def p_vectorized(recommended, relevant, k):
    return np.isin(recommended[:k], relevant).sum() / k


def p_sets(recommended, relevant, k):
    return len(set(recommended[:k].tolist()) & set(relevant.tolist())) / k


def p_loop(recommended, relevant, k):
    hits = 0
    for movie in recommended[:k]:
        if movie in relevant:
            hits += 1
    return hits / k


def p_mean(recommended, relevant, k):
    return np.mean([m in relevant for m in recommended[:k]])


def p_recall(recommended, relevant, k):
    return np.isin(recommended[:k], relevant).sum() / len(relevant)


def p_no_slice(recommended, relevant, k):
    return np.isin(recommended, relevant).sum() / k


def p_whole_list(recommended, relevant, k):
    return np.isin(recommended, relevant).mean()


def p_len_list(recommended, relevant, k):
    return np.isin(recommended[:k], relevant).sum() / len(recommended)


def p_count(recommended, relevant, k):
    return np.isin(recommended[:k], relevant).sum()


def p_percent(recommended, relevant, k):
    return 100 * np.isin(recommended[:k], relevant).sum() / k


def p_misses(recommended, relevant, k):
    return np.sum(~np.isin(recommended[:k], relevant)) / k


def p_min(recommended, relevant, k):
    return np.isin(recommended[:k], relevant).sum() / min(k, len(relevant))


def p_positional(recommended, relevant, k):
    return sum(a == b for a, b in zip(recommended[:k], relevant)) / k


def p_k_minus_1(recommended, relevant, k):
    return np.isin(recommended[: k - 1], relevant).sum() / k


def p_from_1(recommended, relevant, k):
    return np.isin(recommended[1 : k + 1], relevant).sum() / k


def p_k_plus_1(recommended, relevant, k):
    hits = sum(1 for m in recommended[:k] if m in relevant)
    return hits / (len(range(k + 1)))


def p_k_plus_1_slice(recommended, relevant, k):
    return np.isin(recommended[: k + 1], relevant).sum() / k


def p_cumsum(recommended, relevant, k):
    hits = np.isin(recommended, relevant)
    return np.cumsum(hits)[k] / k  # [k] is the (k + 1)-th entry


def p_loop_0_based_le_k(recommended, relevant, k):
    hits = 0
    for r, movie in enumerate(recommended):
        if r <= k and movie in relevant:
            hits += 1
    return hits / k


def p_loop_rank_le_k_plus_1(recommended, relevant, k):
    hits = 0
    for rank, movie in enumerate(recommended, start=1):
        if rank <= k + 1 and movie in relevant:
            hits += 1
    return hits / k


def p_relevant_cut(recommended, relevant, k):
    return np.isin(recommended[:k], relevant[:k]).sum() / k


def p_floor_division(recommended, relevant, k):
    return np.isin(recommended[:k], relevant).sum() // k


def p_last_k(recommended, relevant, k):
    return np.isin(recommended[-k:], relevant).sum() / k


def p_k_minus_1_over_k_minus_1(recommended, relevant, k):
    return np.isin(recommended[: k - 1], relevant).sum() / (k - 1)


def p_stub(recommended, relevant, k):
    raise NotImplementedError


def p_none(recommended, relevant, k):
    _ = np.isin(recommended[:k], relevant).sum() / k


def p_array(recommended, relevant, k):
    return np.isin(recommended[:k], relevant) / k


def p_crash(recommended, relevant, k):
    return recommended[:k] @ relevant  # shapes differ


def p_off(recommended, relevant, k):
    return p_vectorized(recommended, relevant, k) + 0.05


PRECISION_CASES = [
    (p_vectorized, "correct!"),
    (p_sets, "correct!"),
    (p_loop, "correct!"),
    (p_mean, "correct!"),
    (p_recall, "this is recall@k"),
    (p_no_slice, "hits below rank k are counted too"),
    (p_whole_list, "the whole list is judged"),
    (p_len_list, "divided by the length of the whole list"),
    (p_count, "this is the number of hits"),
    (p_percent, "this is a percentage"),
    (p_misses, "the misses are counted"),
    (p_min, "divided by min(k, number of relevant movies)"),
    (p_positional, "compared position by position"),
    (p_k_minus_1, "only the first k - 1 movies"),
    (p_from_1, "skipping the best movie"),
    (p_k_plus_1, "divided by k + 1"),
    (p_k_plus_1_slice, "k + 1 movies are looked at"),
    (p_cumsum, "k + 1 movies are looked at"),
    (p_loop_0_based_le_k, "k + 1 movies are looked at"),
    (p_loop_rank_le_k_plus_1, "k + 1 movies are looked at"),
    (p_relevant_cut, "relevant is cut to its first k movies"),
    (p_floor_division, "integer division (//)"),
    (p_k_minus_1_over_k_minus_1, "the hits are divided by k - 1"),
    # no catalogue entry explains every case: the honest message with the failing case
    (
        p_last_k,
        "on test case 1 (recommended [12, 7, 3, 10, 5, 1, 9, 2], relevant [0, 2, 4, 5, 7, 9, 11], k = 5)",
    ),
    (p_stub, "not implemented yet"),
    (p_none, "returned None: did you forget `return precision@k`?"),
    (p_array, "should return one number (precision@k), got ndarray"),
    (p_crash, "your function raised ValueError"),
    (
        p_off,
        "on test case 1 (recommended [12, 7, 3, 10, 5, 1, 9, 2], relevant [0, 2, 4, 5, 7, 9, 11], k = 5)",
    ),
]


@pytest.mark.parametrize(("fn", "expected"), PRECISION_CASES, ids=[f.__name__ for f, _ in PRECISION_CASES])
def test_check_precision_at_k(capsys, fn, expected):
    assert mh.check_precision_at_k(fn) is None
    out = capsys.readouterr().out
    assert expected in out, out
    assert out.startswith("correct!") == (expected == "correct!")
    assert out.count("\n") == 1 or "your function raised" in out, "one line, or an explained exception"


# -- NDCG@k ------------------------------------------------------------------------------------


def discounts(k, base=2.0):
    return 1 / (np.log(np.arange(2, k + 2)) / np.log(base))


def n_vectorized(recommended, relevant, k):
    d = discounts(k)
    return np.sum(np.isin(recommended[:k], relevant) * d) / np.sum(d[: min(k, len(relevant))])


def n_loop(recommended, relevant, k):
    dcg = 0.0
    for r, movie in enumerate(recommended[:k], start=1):
        if movie in relevant:
            dcg += 1 / math.log2(r + 1)
    idcg = sum(1 / math.log2(r + 1) for r in range(1, min(k, len(relevant)) + 1))
    return dcg / idcg


def n_natural_log(recommended, relevant, k):
    d = discounts(k, base=math.e)  # any base: it cancels in DCG / IDCG
    return np.sum(np.isin(recommended[:k], relevant) * d) / np.sum(d[: min(k, len(relevant))])


def n_dcg(recommended, relevant, k):
    return np.sum(np.isin(recommended[:k], relevant) * discounts(k))


def n_idcg_all(recommended, relevant, k):
    d = discounts(len(relevant))
    return np.sum(np.isin(recommended[:k], relevant) * d[:k]) / d.sum()


def n_idcg_k(recommended, relevant, k):
    d = discounts(k)
    return np.sum(np.isin(recommended[:k], relevant) * d) / d.sum()


def n_shifted(recommended, relevant, k):
    d = 1 / np.log2(np.arange(3, k + 3))
    return np.sum(np.isin(recommended[:k], relevant) * d) / np.sum(d[: min(k, len(relevant))])


def n_linear(recommended, relevant, k):
    d = 1 / np.arange(1, k + 1)
    return np.sum(np.isin(recommended[:k], relevant) * d) / np.sum(d[: min(k, len(relevant))])


def n_no_discount(recommended, relevant, k):
    return np.isin(recommended[:k], relevant).sum() / min(k, len(relevant))


def n_own_ideal(recommended, relevant, k):
    hits = np.isin(recommended[:k], relevant)
    d = discounts(k)
    return np.sum(hits * d) / np.sum(np.sort(hits)[::-1] * d)


def n_rank_among_hits(recommended, relevant, k):
    found = [m for m in recommended[:k] if m in relevant]
    dcg = sum(1 / math.log2(i + 2) for i, _ in enumerate(found))
    return dcg / np.sum(discounts(k)[: min(k, len(relevant))])


def n_no_slice(recommended, relevant, k):
    d = discounts(len(recommended))
    return np.sum(np.isin(recommended, relevant) * d) / np.sum(d[: min(k, len(relevant))])


def n_multiplied(recommended, relevant, k):
    w = np.log2(np.arange(2, k + 2))
    return np.sum(np.isin(recommended[:k], relevant) * w) / np.sum(w[: min(k, len(relevant))])


def n_swapped(recommended, relevant, k):
    return 1 / n_vectorized(recommended, relevant, k)  # inf when nothing hits: caught earlier


def n_mixed_logs(recommended, relevant, k):
    dcg = np.sum(np.isin(recommended[:k], relevant) * discounts(k))
    return dcg / np.sum(discounts(k, base=math.e)[: min(k, len(relevant))])


def n_mixed_logs_other_way(recommended, relevant, k):
    dcg = np.sum(np.isin(recommended[:k], relevant) * discounts(k, base=math.e))
    return dcg / np.sum(discounts(k)[: min(k, len(relevant))])


def n_zero_division(recommended, relevant, k):
    dcg = sum(1 / math.log2(r) for r, m in enumerate(recommended[:k], start=1) if m in relevant)
    idcg = sum(1 / math.log2(r) for r in range(1, min(k, len(relevant)) + 1))
    return dcg / idcg


def n_zero_division_numpy(recommended, relevant, k):
    d = 1 / np.log2(np.arange(1, k + 1))  # inf at rank 1 (numpy warns, the checker stays quiet)
    return np.sum(np.isin(recommended[:k], relevant) * d) / np.sum(d[: min(k, len(relevant))])


def n_k_plus_1_slice(recommended, relevant, k):
    d = 1 / np.log2(np.arange(2, k + 3))  # k + 1 discounts
    return np.sum(np.isin(recommended[: k + 1], relevant) * d) / np.sum(d[: min(k, len(relevant))])


def n_break_loop(recommended, relevant, k):
    dcg = 0.0
    for r, movie in enumerate(recommended):
        if r > k:  # lets r = k through: k + 1 movies
            break
        if movie in relevant:
            dcg += 1 / math.log2(r + 2)
    idcg = sum(1 / math.log2(r + 2) for r in range(min(k, len(relevant))))
    return dcg / idcg


def n_at_k_plus_1(recommended, relevant, k):
    d = 1 / np.log2(np.arange(2, k + 3))
    return np.sum(np.isin(recommended[: k + 1], relevant) * d) / np.sum(d[: min(k + 1, len(relevant))])


def n_stub(recommended, relevant, k):
    raise NotImplementedError


def n_tuple(recommended, relevant, k):
    return n_dcg(recommended, relevant, k), n_vectorized(recommended, relevant, k)


NDCG_CASES = [
    (n_vectorized, "correct!"),
    (n_loop, "correct!"),
    (n_natural_log, "correct!"),
    (n_dcg, "this is DCG; divide it by the ideal DCG"),
    (n_idcg_all, "the ideal DCG counts every relevant movie"),
    (n_idcg_k, "the ideal DCG assumes k relevant movies"),
    (n_shifted, "the discount is shifted by one rank"),
    (n_linear, "the discount is 1 / rank"),
    (n_no_discount, "there is no discount"),
    (n_own_ideal, "computed from the list's own hits"),
    (n_rank_among_hits, "the ranks are counted among the hits only"),
    (n_no_slice, "hits below rank k are counted too"),
    (n_multiplied, "each hit is multiplied by log2(rank + 1)"),
    (n_swapped, "DCG and the ideal DCG are swapped"),
    (n_mixed_logs, "DCG uses log2 but the ideal DCG the natural log"),
    (n_mixed_logs_other_way, "DCG uses the natural log but the ideal DCG log2"),
    (n_zero_division, "while 1 / log2(1) divides by zero"),
    (n_zero_division_numpy, "NDCG@k is nan: probably a division by zero"),
    (n_k_plus_1_slice, "the first k + 1 movies are judged"),
    (n_break_loop, "the first k + 1 movies are judged"),
    (n_at_k_plus_1, "this is NDCG@(k + 1)"),
    (n_stub, "not implemented yet"),
    (n_tuple, "should return one number (NDCG@k), got tuple"),
]


@pytest.mark.parametrize(("fn", "expected"), NDCG_CASES, ids=[f.__name__ for f, _ in NDCG_CASES])
def test_check_ndcg_at_k(capsys, fn, expected):
    with np.errstate(all="raise"):  # the checker must silence the reader's division warnings itself
        assert mh.check_ndcg_at_k(fn) is None
    captured = capsys.readouterr()
    assert expected in captured.out, captured.out
    assert captured.out.startswith("correct!") == (expected == "correct!")
    assert captured.err == ""


@pytest.mark.parametrize(
    ("variants", "check"),
    [
        (exercises._precision_variants, mh.check_precision_at_k),
        (exercises._ndcg_variants, mh.check_ndcg_at_k),
    ],
    ids=["precision", "ndcg"],
)
def test_every_catalogued_mistake_is_diagnosed_as_itself(capsys, variants, check):
    """A function that returns exactly what a catalogued mistake gives, case by case, gets that
    mistake's diagnosis: no two mistakes agree on every case, and each is wrong on one."""
    cases = exercises._top_k_cases()
    tables = [variants(*case) for case in cases]
    mistakes = [m for m in tables[0] if m != "correct"]
    assert len(mistakes) >= 10
    for m in mistakes:

        def imitation(recommended, relevant, k, m=m):
            at = next(i for i, case in enumerate(cases) if np.array_equal(case[0], recommended))
            return tables[at][m]

        check(imitation)
        out = capsys.readouterr().out
        assert out == f"not quite: {m}.\n", (m, out)


def test_the_cases_hold_the_traps():
    """A hit just beyond the list (rank k + 1), fewer relevant movies than k, no hit at all."""
    cases = exercises._top_k_cases()
    assert any(recommended[k] in relevant for recommended, relevant, k in cases)
    assert any(len(relevant) < k for _, relevant, k in cases)
    assert any(not np.isin(recommended[:k], relevant).any() for recommended, relevant, k in cases)


def test_the_checkers_agree_with_the_helper_on_random_lists(rng):
    """The catalogue's right answers are what mh.top_n_scores computes."""
    n_movies = 30
    top = np.array([rng.permutation(n_movies)[:10] for _ in range(12)])
    users, movies = np.nonzero(rng.random((12, n_movies)) < 0.3)
    test = mh.Ratings(users, movies, np.full(users.size, 5.0))
    judged = mh.top_n_scores(top, test, n_movies)
    for at, j in enumerate(judged.users):
        relevant = movies[users == j]
        assert exercises._precision_variants(top[j], relevant, 10)["correct"] == pytest.approx(
            judged.precision[at]
        )
        assert exercises._ndcg_variants(top[j], relevant, 10)["correct"] == pytest.approx(judged.ndcg[at])


def test_checkers_do_not_modify_the_cases():
    def vandal(recommended, relevant, k):
        recommended[:] = 0
        relevant[:] = 0
        return 0.0

    mh.check_precision_at_k(vandal)
    assert exercises._top_k_cases()[0][0][0] == 12
    mh.check_precision_at_k(p_vectorized)
