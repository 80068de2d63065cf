"""Write the per-digit anomaly table of chapter 7: ``python -m tools.anomaly_table``.

For each digit in turn, a dense VAE is trained on the other nine and every anomaly score of
:mod:`vaecourse.anomaly` is rated by its AUROC on the test set. The reader-profile settings
(the defaults below: 16-D latent, 10 epochs, full data) take about ten minutes on two CPU
cores; ``--tiny`` runs the same code on a few hundred images, for tests.
"""

from __future__ import annotations

import argparse

from vaecourse import anomaly


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", default=str(anomaly.RESULTS_PATH), help="JSON file to write"
    )
    parser.add_argument("--latent-dim", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument(
        "--digits", type=int, nargs="+", default=list(range(10))
    )
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="1,000 training and 500 test images, 2 epochs: a smoke test",
    )
    args = parser.parse_args(argv)
    sizes = (
        dict(n_train=1000, n_test=500, epochs=2)
        if args.tiny
        else dict(epochs=args.epochs)
    )
    table = anomaly.per_digit_table(
        digits=args.digits, latent_dim=args.latent_dim, **sizes
    )
    print("wrote", anomaly.write_table(table, args.out))


if __name__ == "__main__":
    main()
