// Content hashes for cache keys: a 128-bit digest (two FNV-1a 64 lanes with distinct
// offset bases), printed as 32 hex digits. Not cryptographic: it tells files apart, it
// does not defend against someone forging a collision.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace vds {

class ContentHasher {
 public:
  void update(const void* data, size_t size);
  void update(const std::string& text) { update(text.data(), text.size()); }
  // 32 lowercase hex digits.
  std::string hex() const;

 private:
  uint64_t a_ = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  uint64_t b_ = 0x84222325cbf29ce4ULL;  // a second, unrelated basis for the other lane
  uint64_t length_ = 0;                 // bytes hashed so far
};

// The digest of a whole file, read in blocks. IoError naming the file when it cannot be read.
std::string hashFile(const std::filesystem::path& file);

// The digest of a string.
std::string hashText(const std::string& text);

}  // namespace vds
