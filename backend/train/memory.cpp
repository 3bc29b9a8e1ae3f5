#include "train/memory.h"

#include <fstream>
#include <string>
#include <unistd.h>

#if defined(VDS_HAVE_CUDA)
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace vds {

double residentMiB() {
  // /proc/self/statm: size resident shared ... in pages.
  std::ifstream statm("/proc/self/statm");
  long long size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

MemoryEvent currentMemory(int64_t step, const torch::Device& device) {
  MemoryEvent e;
  e.step = step;
  e.rssMiB = residentMiB();
#if defined(VDS_HAVE_CUDA)
  // The caching allocator's current bytes, aggregated over pool types (index 0 of the
  // per-type stat arrays is the aggregate in every LibTorch since 1.x).
  if (device.is_cuda()) {
    const auto index = device.has_index() ? device.index() : c10::cuda::current_device();
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index);
    constexpr double kMiB = 1024.0 * 1024.0;
    e.cudaAllocatedMiB = static_cast<double>(stats.allocated_bytes[0].current) / kMiB;
    e.cudaReservedMiB = static_cast<double>(stats.reserved_bytes[0].current) / kMiB;
  }
#else
  (void)device;  // a CPU-only LibTorch has no c10/cuda headers: CUDA figures stay 0
#endif
  return e;
}

}  // namespace vds
