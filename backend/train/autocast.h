// bf16 autocast on CUDA for the span of a scope (ARCHITECTURE §3: run.precision). A no-op
// when disabled, so CPU runs and tests are unaffected. LibTorch 2.4 replaced the
// CUDA-specific calls with device-typed ones; torch_compat.h tells which we have.
#pragma once
#include <ATen/autocast_mode.h>

#include "core/torch_compat.h"

namespace vds {

class AutocastScope {
 public:
  explicit AutocastScope(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
#if VDS_TORCH_AT_LEAST(2, 4)
    previous_ = at::autocast::is_autocast_enabled(at::kCUDA);
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    previous_ = at::autocast::is_enabled();
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
#endif
    at::autocast::increment_nesting();
  }
  ~AutocastScope() {
    if (!enabled_) return;
    // Cached casts of the weights are dropped once the outermost scope ends.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
#if VDS_TORCH_AT_LEAST(2, 4)
    at::autocast::set_autocast_enabled(at::kCUDA, previous_);
#else
    at::autocast::set_enabled(previous_);
#endif
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool enabled_;
  bool previous_ = false;
};

}  // namespace vds
