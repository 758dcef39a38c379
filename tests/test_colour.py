"""Issue 16, item 4: grey card colour, white balance and the CIEDE2000 colour difference."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from scalpsite.photos import colour

# G. Sharma, W. Wu, E. N. Dalal, Color Res. Appl. 30(1):21-30, 2005, Table 1: all 34 pairs,
# (L1, a1, b1, L2, a2, b2, ΔE00) as published.
SHARMA_2005 = [
    (50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425),
    (50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615),
    (50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412),
    (50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669),
    (50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461),
    (50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065),
    (50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492),
    (50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977),
    (50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030),
    (50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


@pytest.mark.parametrize("l1, a1, b1, l2, a2, b2, expected", SHARMA_2005)
def test_ciede2000_matches_the_published_test_pairs(l1, a1, b1, l2, a2, b2, expected):
    """Issue 16 item 4: CIEDE2000 to the 4 decimals of Sharma et al. 2005, both ways round."""
    assert colour.delta_e2000((l1, a1, b1), (l2, a2, b2)) == pytest.approx(expected, abs=5e-5)
    assert colour.delta_e2000((l2, a2, b2), (l1, a1, b1)) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("rgb, expected", [
    ((1.0, 1.0, 1.0), (100.0, 0.0, 0.0)),  # the D65 white of sRGB
    ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
    ((0.18, 0.18, 0.18), (49.5, 0.0, 0.0)),  # an 18 % grey card
])
def test_lab_of_linear_srgb(rgb, expected):
    assert colour.lab(rgb) == pytest.approx(expected, abs=0.1)


@pytest.mark.parametrize("cast", [(200, 160, 120), (120, 150, 200), (150, 170, 140)])
def test_white_balance_from_the_card_makes_it_neutral(cast):
    """Issue 16 item 4: the renditions are white-balanced from the card, exposure kept."""
    photo = Image.new("RGB", (200, 100), cast)
    card = colour.card_linear(np.asarray(photo), (20, 20, 60, 60))
    balanced = np.asarray(photo.point(colour.balance_table(card)))[50, 50]
    assert max(balanced) - min(balanced) <= 2  # grey
    after = colour.card_linear(np.asarray(photo.point(colour.balance_table(card))), (20, 20, 60, 60))
    assert colour.lab(after)[0] == pytest.approx(colour.lab(card)[0], abs=1.0)  # same lightness


def test_card_box_outside_the_photo_measures_nothing():
    assert colour.card_linear(np.zeros((100, 200, 3), np.uint8), (300, 300, 50, 50)) is None
