#include "core/device.h"

#include <sstream>

#include "core/errors.h"

namespace vds {

torch::Device parseDevice(const std::string& spec) {
  if (spec == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (spec == "cpu") return torch::Device(torch::kCPU);
  if (spec.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw ConfigError("device '" + spec + "' was requested but this LibTorch has no usable CUDA device");
    int index = 0;
    if (spec.size() > 4) {
      if (spec[4] != ':') throw ConfigError("device '" + spec + "' is not cpu, cuda or cuda:N");
      try {
        index = std::stoi(spec.substr(5));
      } catch (const std::exception&) {
        throw ConfigError("device '" + spec + "' has no valid index after 'cuda:'");
      }
    }
    if (index < 0 || index >= static_cast<int>(torch::cuda::device_count()))
      throw ConfigError("device '" + spec + "' is out of range: " + std::to_string(torch::cuda::device_count()) +
                        " CUDA device(s) present");
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw ConfigError("device '" + spec + "' is not one of auto, cpu, cuda, cuda:N");
}

torch::Dtype parseDtype(const std::string& spec) {
  if (spec == "float32" || spec == "fp32") return torch::kFloat32;
  if (spec == "bfloat16" || spec == "bf16") return torch::kBFloat16;
  if (spec == "float16" || spec == "fp16") return torch::kFloat16;
  throw ConfigError("dtype '" + spec + "' is not one of float32, bfloat16, float16");
}

std::string describeDevice(const torch::Device& device) {
  std::ostringstream out;
  out << device.str();
  if (device.is_cpu()) out << " (" << at::get_num_threads() << " threads)";
  return out.str();
}

}  // namespace vds
