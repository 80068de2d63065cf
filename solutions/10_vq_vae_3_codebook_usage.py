import numpy as np


def codebook_usage(codes, num_codes):
    """(perplexity, dead): how evenly the codes are used, and how many of
    range(num_codes) are never used."""
    codes = np.asarray(codes).reshape(-1)
    # One count per code of range(num_codes), the unused ones included.
    counts = np.bincount(codes, minlength=num_codes)
    p = counts / counts.sum()
    used = p[p > 0]  # p log p → 0 as p → 0: leave those terms out
    entropy = -np.sum(used * np.log(used))  # in nats
    perplexity = float(np.exp(entropy))
    dead = int(np.sum(counts == 0))
    return perplexity, dead
