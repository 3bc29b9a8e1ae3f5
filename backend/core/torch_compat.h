// The one place where LibTorch 1.13 (Debian) and 2.x (pip, CUDA) differ for us.
#pragma once
#include <torch/torch.h>
#include <torch/version.h>
#include <ATen/CPUGeneratorImpl.h>

#define VDS_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

// Float8 dtypes arrived in 2.1, unsigned 16/32/64-bit integers in 2.3.
#define VDS_TORCH_HAS_FLOAT8 VDS_TORCH_AT_LEAST(2, 1)
#define VDS_TORCH_HAS_UINT_WIDE VDS_TORCH_AT_LEAST(2, 3)
// at::scaled_dot_product_attention (fused kernels) arrived in 2.0.
#define VDS_TORCH_HAS_SDPA VDS_TORCH_AT_LEAST(2, 0)

namespace vds::compat {

// A CPU generator seeded explicitly; the API name differs between versions.
inline at::Generator makeCpuGenerator(uint64_t seed) {
  return at::detail::createCPUGenerator(seed);
}

inline std::string torchVersion() { return TORCH_VERSION; }

}  // namespace vds::compat
