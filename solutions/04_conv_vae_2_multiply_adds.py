import math


def multiply_adds(layer):
    """Multiply-adds of a built layer per image, biases not counted."""
    kind = type(layer).__name__
    if kind == "Dense":  # every weight once
        return math.prod(layer.kernel.shape)
    if kind == "Conv2D":  # the kernel, at every output position
        positions = math.prod(layer.output.shape[1:3])
    elif kind == "Conv2DTranspose":  # the kernel, from every input position
        positions = math.prod(layer.input.shape[1:3])
    else:  # Input, Flatten, Reshape: no weights, no arithmetic
        return 0
    return positions * math.prod(layer.kernel.shape)
