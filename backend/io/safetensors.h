// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON describing each tensor, then the
// raw little-endian tensor bytes. Reading is strict: any deviation from the format
// is a vds::FormatError naming the file and, where there is one, the tensor.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace vds::safetensors {

struct TensorInfo {
  std::string name;
  std::string dtype;        // as in the file, e.g. "F32"
  torch::Dtype torchDtype;  // the matching LibTorch dtype
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range, relative to the start of the data buffer
};

struct Header {
  std::vector<TensorInfo> tensors;  // sorted by name
  std::map<std::string, std::string> metadata;
  uint64_t dataOffset = 0;  // where the data buffer starts in the file (8 + N)
};

// Parses and fully validates the header of the file held in `bytes`, including that
// the byte ranges tile the data buffer exactly. `sourceName` is used in messages.
Header parseHeader(const std::string& bytes, const std::string& sourceName);

// Decodes every tensor into a CPU tensor that owns its memory.
std::map<std::string, torch::Tensor> loadFromBytes(const std::string& bytes, const std::string& sourceName,
                                                   std::map<std::string, std::string>* metadata = nullptr);
// Reads `file` (IoError if it cannot be read) and decodes it as loadFromBytes does.
std::map<std::string, torch::Tensor> load(const std::filesystem::path& file,
                                          std::map<std::string, std::string>* metadata = nullptr);

// Encodes tensors (any device, any layout; stored contiguous, on the CPU) in name order.
std::string saveToBytes(const std::map<std::string, torch::Tensor>& tensors,
                        const std::map<std::string, std::string>& metadata = {});
// saveToBytes, written to `file` atomically.
void save(const std::filesystem::path& file, const std::map<std::string, torch::Tensor>& tensors,
          const std::map<std::string, std::string>& metadata = {});

// The safetensors dtype string for a LibTorch dtype; FormatError if it has none.
std::string dtypeName(torch::Dtype dtype);

}  // namespace vds::safetensors
