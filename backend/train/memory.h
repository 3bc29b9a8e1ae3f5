// Memory read-outs for the profiler: resident set size, and CUDA allocator figures.
#pragma once
#include <torch/torch.h>

#include "train/events.h"

namespace vds {

double residentMiB();
MemoryEvent currentMemory(int64_t step, const torch::Device& device);

}  // namespace vds
