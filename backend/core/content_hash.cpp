#include "core/content_hash.h"

#include <cstdio>
#include <fstream>
#include <vector>

#include "core/errors.h"

namespace vds {
namespace {

constexpr uint64_t kFnvPrime = 0x100000001b3ULL;
constexpr size_t kReadBlock = 1 << 20;

}  // namespace

void ContentHasher::update(const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t a = a_, b = b_;
  for (size_t i = 0; i < size; ++i) {
    a = (a ^ p[i]) * kFnvPrime;
    // The second lane sees each byte rotated by its position in the stream, so the lanes
    // do not move in step; the position counts across calls, so chunking does not matter.
    const unsigned r = static_cast<unsigned>((length_ + i) & 7);
    const auto rotated = static_cast<unsigned char>(r == 0 ? p[i] : (p[i] << r) | (p[i] >> (8 - r)));
    b = (b ^ rotated) * kFnvPrime;
  }
  a_ = a;
  b_ = b;
  length_ += size;
}

std::string ContentHasher::hex() const {
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(a_),
                static_cast<unsigned long long>(b_));
  return text;
}

std::string hashFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot open '" + file.string() + "' for hashing");
  ContentHasher hasher;
  std::vector<char> block(kReadBlock);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    hasher.update(block.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw IoError("error while reading '" + file.string() + "' for hashing");
  return hasher.hex();
}

std::string hashText(const std::string& text) {
  ContentHasher hasher;
  hasher.update(text);
  return hasher.hex();
}

}  // namespace vds
