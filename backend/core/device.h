// Device and dtype choice.
#pragma once
#include <torch/torch.h>

#include <string>

namespace vds {

// "auto" (CUDA when available, else CPU), "cpu", "cuda" or "cuda:N".
// Throws ConfigError naming the setting when the device is unknown or absent.
torch::Device parseDevice(const std::string& spec);

// "float32", "bfloat16" or "float16"; ConfigError otherwise.
torch::Dtype parseDtype(const std::string& spec);

// A one-line description such as "cpu (2 threads)" or "cuda:0 (NVIDIA H100, 79 GiB)".
std::string describeDevice(const torch::Device& device);

}  // namespace vds
