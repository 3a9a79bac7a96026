"""Fits the polynomial coefficients used by dialects/graph/mathfns.py (a developer tool, not run by
tests or at compile time). Needs mpmath (installed with the `bench` extra, via torch -> sympy).

    .venv/bin/python scripts/fit_mathfns.py      # prints COEFFS for mathfns.py and each fit's error

Each function is fitted with Chebyshev interpolation at 60 digits (mpmath.chebyfit: within a small
factor of the minimax error), on the reduced argument range the builder uses; leading Taylor terms
that the builder writes exactly (1 + r for exp, the f - f^2/2 part of log) are not fitted. The
printed error is the fit's maximum absolute error before the coefficients are rounded to the
target type; tests/python/dialects/test_mathfns.py measures what finally matters, in ulps.
"""
import mpmath as mp

mp.mp.dps = 60
LN2 = mp.log(2)


def _small(f, series):
    """f, with its Taylor `series` near 0 (where f is 0/0)."""
    return lambda x: series(x) if abs(x) < mp.mpf(10) ** -25 else f(x)


def exp_p(r):
    """(e^r - 1 - r) / r^2 on the Cody-Waite range |r| <= ln2/2: expm1(r) = r + r^2 P(r)."""
    return (mp.exp(r) - 1 - r) / r ** 2


def log_q(z):
    """With s = f/(2+f), z = s^2: log(1+f) = 2 atanh(s) = 2s + s z Q(z)."""
    s = mp.sqrt(z)
    return (2 * mp.atanh(s) / s - 2) / z


def erf_small(z):
    """erf(x) = x P(x^2) for |x| < 1."""
    x = mp.sqrt(z)
    return mp.erf(x) / x


def erf_large(t):
    """With t = 2/(2+x): erfc(x) = t exp(-x^2 + Q(t)) for 1 <= x < the cut-off where erf rounds to 1."""
    x = 2 / t - 2
    return mp.log(mp.erfc(x) / t) + x * x


ZMAX = (3 - 2 * mp.sqrt(2)) ** 2 * mp.mpf("1.01")
SQRT_PI = mp.sqrt(mp.pi)
FITS = {
    # name: (function, interval, {dtype: degree})
    "exp": (_small(exp_p, lambda r: mp.mpf(1) / 2 + r / 6), (-mp.mpf("0.35"), mp.mpf("0.35")),
            {"f32": 5, "f64": 10}),
    "log": (_small(log_q, lambda z: mp.mpf(2) / 3 + 2 * z / 5), (0, ZMAX), {"f32": 2, "f64": 6}),
    "erf_small": (_small(erf_small, lambda z: 2 / SQRT_PI * (1 - z / 3)), (0, 1), {"f32": 6, "f64": 12}),
    "erf_large_f32": (erf_large, (mp.mpf(2) / 6, mp.mpf(2) / 3), {"f32": 8}),
    "erf_large_f64": (erf_large, (mp.mpf(2) / 8, mp.mpf(2) / 3), {"f64": 17}),
}
# Fits in the shifted variable u = t - CENTER[name] (small coefficients, no cancellation in Horner).
CENTER = {"erf_large_f32": mp.mpf(1) / 2, "erf_large_f64": mp.mpf(11) / 24}


def main():
    print("COEFFS = {")
    for name, (f, (a, b), degrees) in FITS.items():
        c = CENTER.get(name, 0)
        for dtype, deg in degrees.items():
            poly, err = mp.chebyfit(lambda u: f(u + c), [a - c, b - c], deg + 1, error=True)
            coeffs = ", ".join(repr(float(c)) for c in poly)
            print(f"    # max abs error of the fit {mp.nstr(err, 3)}")
            print(f"    ({name!r}, {dtype!r}): ({coeffs}),")
    print("}")


if __name__ == "__main__":
    main()
