#include "train/memory.h"

#include <fstream>
#include <string>
#include <unistd.h>

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
  // CUDA allocator statistics need c10/cuda headers, which the CPU build lacks; the
  // CUDA build fills them in backend/cuda/ (VDS_HAVE_CUDA).
  (void)device;
  return e;
}

}  // namespace vds
