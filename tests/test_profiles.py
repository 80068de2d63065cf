"""Execution profiles (vaecourse.profiles)."""

import numpy as np
import pytest

from vaecourse import profiles
from vaecourse.profiles import Profile


def test_profile_defaults_to_reader(monkeypatch):
    monkeypatch.delenv(profiles.PROFILE_ENV, raising=False)
    assert profiles.current_profile().name == "reader"


def test_unknown_profile_says_which_exist(monkeypatch):
    monkeypatch.setenv(profiles.PROFILE_ENV, "fast")
    with pytest.raises(ValueError, match="reader, quick"):
        profiles.current_profile()


def test_quick_profile_shrinks_data_and_epochs():
    quick, reader = Profile("quick"), Profile("reader")
    x, y = np.arange(5000), np.arange(5000)
    assert quick.epochs(50) == 2 and reader.epochs(50) == 50
    assert len(quick.subset(x, quick=100)) == 100
    assert [len(a) for a in reader.subset(x, y, quick=100)] == [5000, 5000]
