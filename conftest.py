"""pytest runs every chapter in the quick profile (tiny data, one epoch) unless
VAECOURSE_PROFILE is already set. The kernels nbval starts inherit this environment."""

import os

os.environ.setdefault("VAECOURSE_PROFILE", "quick")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
