import math


def output_size(size, kernel, stride, padding, transposed=False):
    """Output side of a Conv2D (or Conv2DTranspose) on size × size."""
    if transposed:  # each input paints a kernel-wide patch, stride apart
        if padding == "same":
            return size * stride
        return (size - 1) * stride + kernel
    if padding == "same":  # windows at 0, stride, 2·stride… inside the image
        return math.ceil(size / stride)
    return (size - kernel) // stride + 1  # windows that fit in the image
