#include "io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/errors.h"
#include "core/torch_compat.h"
#include "io/atomic_file.h"

namespace vds::safetensors {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Tensor bytes are copied to and from memory as they are; the format is little-endian.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O assumes a little-endian host");

constexpr size_t kLengthPrefixBytes = 8;
// The reference implementation refuses headers above 100 MB; so do we, before allocating anything.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
// The header is padded so that the data buffer starts 8-byte aligned.
constexpr size_t kHeaderAlignment = 8;
constexpr const char* kMetadataKey = "__metadata__";
constexpr uint64_t kMaxInt64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

struct DtypeEntry {
  const char* name;
  uint64_t itemSize;
  std::optional<torch::Dtype> dtype;  // empty: the LibTorch in use has no such dtype
};

// Every dtype of the format. Those this LibTorch lacks are still listed, so that a file
// using one gets "not supported by LibTorch" rather than "unknown dtype".
// clang-format off
const DtypeEntry kDtypes[] = {
    {"BOOL", 1, torch::kBool},
    {"U8", 1, torch::kByte},
    {"I8", 1, torch::kChar},
    {"I16", 2, torch::kShort},
    {"I32", 4, torch::kInt},
    {"I64", 8, torch::kLong},
    {"F16", 2, torch::kHalf},
    {"BF16", 2, torch::kBFloat16},
    {"F32", 4, torch::kFloat},
    {"F64", 8, torch::kDouble},
    {"C64", 8, torch::kComplexFloat},
#if VDS_TORCH_HAS_UINT_WIDE
    {"U16", 2, c10::ScalarType::UInt16},
    {"U32", 4, c10::ScalarType::UInt32},
    {"U64", 8, c10::ScalarType::UInt64},
#else
    {"U16", 2, std::nullopt},
    {"U32", 4, std::nullopt},
    {"U64", 8, std::nullopt},
#endif
#if VDS_TORCH_HAS_FLOAT8
    {"F8_E4M3", 1, c10::ScalarType::Float8_e4m3fn},
    {"F8_E5M2", 1, c10::ScalarType::Float8_e5m2},
#else
    {"F8_E4M3", 1, std::nullopt},
    {"F8_E5M2", 1, std::nullopt},
#endif
};
// clang-format on

const DtypeEntry* findDtype(const std::string& name) {
  for (const auto& entry : kDtypes) {
    if (name == entry.name) return &entry;
  }
  return nullptr;
}

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw FormatError("safetensors file '" + source + "': " + what);
}

[[noreturn]] void failTensor(const std::string& source, const std::string& tensor, const std::string& what) {
  fail(source, "tensor '" + tensor + "': " + what);
}

uint64_t readLittleEndianU64(const char* p) {
  uint64_t value = 0;
  for (size_t i = 0; i < kLengthPrefixBytes; ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return value;
}

void appendLittleEndianU64(std::string& out, uint64_t value) {
  for (size_t i = 0; i < kLengthPrefixBytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// Parses the JSON text, rejecting a key that repeats within one object (nlohmann would
// silently keep the last one, hiding a corrupt or ambiguous file).
json parseJsonRejectingDuplicates(const std::string& text, const std::string& source) {
  std::vector<std::set<std::string>> keysPerOpenObject;
  std::string duplicate;
  bool duplicateIsTensorName = false;
  auto callback = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      keysPerOpenObject.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!keysPerOpenObject.empty()) keysPerOpenObject.pop_back();
    } else if (event == json::parse_event_t::key && !keysPerOpenObject.empty() && duplicate.empty()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!keysPerOpenObject.back().insert(key).second) {
        duplicate = key;
        duplicateIsTensorName = keysPerOpenObject.size() == 1;
      }
    }
    return true;
  };
  json root;
  try {
    root = json::parse(text, callback);
  } catch (const json::exception& e) {
    fail(source, std::string("header is not valid JSON: ") + e.what());
  }
  if (!duplicate.empty()) {
    fail(source, duplicateIsTensorName ? "duplicate tensor name '" + duplicate + "'"
                                       : "duplicate key '" + duplicate + "' in the header");
  }
  return root;
}

std::map<std::string, std::string> parseMetadata(const json& node, const std::string& source) {
  if (!node.is_object()) fail(source, std::string(kMetadataKey) + " is not a JSON object");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, value] : node.items()) {
    if (!value.is_string()) fail(source, std::string(kMetadataKey) + " value for '" + key + "' is not a string");
    metadata.emplace(key, value.get<std::string>());
  }
  return metadata;
}

// A non-negative integer that fits in int64; anything else (float, negative, bool) is rejected.
uint64_t nonNegativeInteger(const json& value, const std::string& source, const std::string& tensor,
                            const char* field) {
  if (!value.is_number_unsigned() || value.get<uint64_t>() > kMaxInt64) {
    failTensor(source, tensor, std::string(field) + " holds " + value.dump() + ", not a non-negative integer");
  }
  return value.get<uint64_t>();
}

TensorInfo parseEntry(const std::string& name, const json& entry, const std::string& source, uint64_t bufferBytes) {
  if (!entry.is_object()) failTensor(source, name, "entry is not a JSON object");
  for (const auto& field : entry.items()) {
    const std::string& key = field.key();
    if (key != "dtype" && key != "shape" && key != "data_offsets")
      failTensor(source, name, "unexpected key '" + key + "'");
  }
  for (const char* required : {"dtype", "shape", "data_offsets"}) {
    if (!entry.contains(required)) failTensor(source, name, std::string("missing '") + required + "'");
  }

  TensorInfo info;
  info.name = name;
  const json& dtype = entry.at("dtype");
  if (!dtype.is_string()) failTensor(source, name, "dtype is not a string");
  info.dtype = dtype.get<std::string>();
  const DtypeEntry* dtypeEntry = findDtype(info.dtype);
  if (dtypeEntry == nullptr) failTensor(source, name, "unknown dtype '" + info.dtype + "'");
  if (!dtypeEntry->dtype) {
    failTensor(source, name, "dtype '" + info.dtype + "' is not supported by LibTorch " + compat::torchVersion());
  }
  info.torchDtype = *dtypeEntry->dtype;

  const json& shape = entry.at("shape");
  if (!shape.is_array()) failTensor(source, name, "shape is not a JSON array");
  // numel, and the product with zero dims taken as 1: LibTorch computes strides from the
  // latter, so it must not overflow either, even for an empty tensor.
  uint64_t numel = 1, strideProduct = 1;
  for (const json& dim : shape) {
    const uint64_t d = nonNegativeInteger(dim, source, name, "shape");
    info.shape.push_back(static_cast<int64_t>(d));
    if (__builtin_mul_overflow(strideProduct, std::max<uint64_t>(d, 1), &strideProduct) || strideProduct > kMaxInt64) {
      failTensor(source, name, "shape " + shape.dump() + " is too large");
    }
    numel *= d;  // cannot overflow: bounded by strideProduct
  }

  const json& offsets = entry.at("data_offsets");
  if (!offsets.is_array() || offsets.size() != 2)
    failTensor(source, name, "data_offsets is not an array of two integers");
  info.begin = nonNegativeInteger(offsets[0], source, name, "data_offsets");
  info.end = nonNegativeInteger(offsets[1], source, name, "data_offsets");
  if (info.begin > info.end) {
    failTensor(source, name, "data_offsets begin " + std::to_string(info.begin) + " > end " + std::to_string(info.end));
  }
  if (info.end > bufferBytes) {
    failTensor(source, name,
               "data_offsets end " + std::to_string(info.end) + " is beyond the data buffer of " +
                   std::to_string(bufferBytes) + " bytes");
  }
  uint64_t expectedBytes = 0;
  if (__builtin_mul_overflow(numel, dtypeEntry->itemSize, &expectedBytes)) {
    failTensor(source, name, "shape " + shape.dump() + " is too large");
  }
  if (info.end - info.begin != expectedBytes) {
    failTensor(source, name,
               info.dtype + " " + shape.dump() + " needs " + std::to_string(expectedBytes) +
                   " bytes but data_offsets span " + std::to_string(info.end - info.begin));
  }
  return info;
}

// The format requires the byte ranges to tile the buffer: no overlap, no hole, nothing left over.
void checkRangesTileBuffer(const std::vector<TensorInfo>& tensors, const std::string& source, uint64_t bufferBytes) {
  std::vector<const TensorInfo*> byOffset;
  for (const auto& t : tensors) byOffset.push_back(&t);
  std::sort(byOffset.begin(), byOffset.end(), [](const TensorInfo* a, const TensorInfo* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t covered = 0;
  const TensorInfo* previous = nullptr;
  for (const TensorInfo* t : byOffset) {
    if (t->begin < covered) {
      failTensor(source, t->name,
                 "bytes [" + std::to_string(t->begin) + ", " + std::to_string(t->end) + ") overlap tensor '" +
                     previous->name + "'");
    }
    if (t->begin > covered) {
      failTensor(source, t->name,
                 "starts at byte " + std::to_string(t->begin) + ", leaving bytes [" + std::to_string(covered) + ", " +
                     std::to_string(t->begin) + ") of the data buffer unused");
    }
    covered = t->end;
    previous = t;
  }
  if (covered != bufferBytes) {
    fail(source, "bytes [" + std::to_string(covered) + ", " + std::to_string(bufferBytes) +
                     ") at the end of the data buffer belong to no tensor");
  }
}

}  // namespace

Header parseHeader(const std::string& bytes, const std::string& sourceName) {
  if (bytes.size() < kLengthPrefixBytes) {
    fail(sourceName, "file is " + std::to_string(bytes.size()) + " bytes, shorter than the 8-byte header length");
  }
  const uint64_t headerBytes = readLittleEndianU64(bytes.data());
  if (headerBytes > kMaxHeaderBytes) {
    fail(sourceName, "header length " + std::to_string(headerBytes) + " exceeds the limit of " +
                         std::to_string(kMaxHeaderBytes) + " bytes");
  }
  const uint64_t available = bytes.size() - kLengthPrefixBytes;
  if (headerBytes > available) {
    fail(sourceName, "header length " + std::to_string(headerBytes) + " exceeds the " + std::to_string(available) +
                         " bytes that follow it");
  }

  const json root = parseJsonRejectingDuplicates(bytes.substr(kLengthPrefixBytes, headerBytes), sourceName);
  if (!root.is_object()) fail(sourceName, "header is not a JSON object");

  Header header;
  header.dataOffset = kLengthPrefixBytes + headerBytes;
  const uint64_t bufferBytes = bytes.size() - header.dataOffset;
  for (const auto& [key, value] : root.items()) {
    if (key == kMetadataKey) {
      header.metadata = parseMetadata(value, sourceName);
    } else {
      header.tensors.push_back(parseEntry(key, value, sourceName, bufferBytes));
    }
  }
  checkRangesTileBuffer(header.tensors, sourceName, bufferBytes);
  return header;
}

std::map<std::string, torch::Tensor> loadFromBytes(const std::string& bytes, const std::string& sourceName,
                                                   std::map<std::string, std::string>* metadata) {
  const Header header = parseHeader(bytes, sourceName);
  const char* buffer = bytes.data() + header.dataOffset;
  std::map<std::string, torch::Tensor> tensors;
  for (const TensorInfo& info : header.tensors) {
    const char* src = buffer + info.begin;
    const size_t count = static_cast<size_t>(info.end - info.begin);
    // A LibTorch bool must be exactly 0 or 1; any other byte is undefined behaviour downstream.
    if (info.torchDtype == torch::kBool) {
      for (size_t i = 0; i < count; ++i) {
        if (static_cast<unsigned char>(src[i]) > 1) failTensor(sourceName, info.name, "BOOL byte is neither 0 nor 1");
      }
    }
    torch::Tensor tensor;
    try {
      // The size was validated against the bytes present, so this allocation is bounded by the file.
      tensor = torch::empty(info.shape, torch::TensorOptions().dtype(info.torchDtype));
    } catch (const c10::Error& e) {
      failTensor(sourceName, info.name, std::string("cannot allocate: ") + e.what_without_backtrace());
    }
    if (count > 0) std::memcpy(tensor.data_ptr(), src, count);
    tensors.emplace(info.name, std::move(tensor));
  }
  if (metadata != nullptr) *metadata = header.metadata;
  return tensors;
}

std::map<std::string, torch::Tensor> load(const fs::path& file, std::map<std::string, std::string>* metadata) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) throw IoError("cannot open '" + file.string() + "' for reading");
  const std::streamoff size = in.tellg();
  if (size < 0) throw IoError("cannot read '" + file.string() + "'");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) throw IoError("cannot read '" + file.string() + "'");
  return loadFromBytes(bytes, file.string(), metadata);
}

std::string dtypeName(torch::Dtype dtype) {
  for (const auto& entry : kDtypes) {
    if (entry.dtype && *entry.dtype == dtype) return entry.name;
  }
  throw FormatError(std::string("dtype ") + c10::toString(dtype) + " cannot be stored in safetensors");
}

std::string saveToBytes(const std::map<std::string, torch::Tensor>& tensors,
                        const std::map<std::string, std::string>& metadata) {
  std::vector<torch::Tensor> cpuTensors;
  json header = json::object();
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name == kMetadataKey) throw FormatError(std::string("a tensor cannot be named ") + kMetadataKey);
    if (!tensor.defined()) throw FormatError("tensor '" + name + "' is undefined");
    if (tensor.layout() != torch::kStrided) throw FormatError("tensor '" + name + "' is not a dense tensor");
    std::string dtype;
    try {
      dtype = dtypeName(tensor.scalar_type());
    } catch (const FormatError& e) {
      throw FormatError("tensor '" + name + "': " + e.what());
    }
    // Lazy conjugate/negative views keep their flag beside unchanged memory; materialise them.
    torch::Tensor cpu = tensor.detach().to(torch::kCPU).resolve_conj().resolve_neg().contiguous();
    const uint64_t nbytes = static_cast<uint64_t>(cpu.numel()) * cpu.element_size();
    header[name] = {{"dtype", dtype}, {"shape", cpu.sizes().vec()}, {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
    cpuTensors.push_back(std::move(cpu));
  }
  if (!metadata.empty()) header[kMetadataKey] = metadata;

  std::string headerText;
  try {
    headerText = header.dump();
  } catch (const json::exception& e) {
    throw FormatError(std::string("safetensors header cannot be encoded (names and metadata must be UTF-8): ") +
                      e.what());
  }
  headerText.append((kHeaderAlignment - headerText.size() % kHeaderAlignment) % kHeaderAlignment, ' ');

  std::string out;
  out.reserve(kLengthPrefixBytes + headerText.size() + offset);
  appendLittleEndianU64(out, headerText.size());
  out += headerText;
  for (const auto& cpu : cpuTensors) {
    const size_t nbytes = static_cast<size_t>(cpu.numel()) * cpu.element_size();
    if (nbytes > 0) out.append(static_cast<const char*>(cpu.data_ptr()), nbytes);
  }
  return out;
}

void save(const fs::path& file, const std::map<std::string, torch::Tensor>& tensors,
          const std::map<std::string, std::string>& metadata) {
  writeFileAtomic(file, saveToBytes(tensors, metadata));
}

}  // namespace vds::safetensors
