#include "core/rng.h"

#include <cmath>

#include "core/torch_compat.h"

namespace vds {

uint64_t deriveSeed(uint64_t seed, std::initializer_list<uint64_t> tags) {
  uint64_t h = mix64(seed);
  for (uint64_t t : tags) h = mix64(h ^ mix64(t + 0x632BE59BD9B4E019ULL));
  return h;
}

uint64_t tagOf(const char* name) {
  // FNV-1a, then mixed: stable across platforms, unlike std::hash.
  uint64_t h = 0xCBF29CE484222325ULL;
  for (const char* p = name; *p; ++p) {
    h ^= static_cast<unsigned char>(*p);
    h *= 0x100000001B3ULL;
  }
  return mix64(h);
}

double Rng::normal() {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

at::Generator makeGenerator(uint64_t seed) { return compat::makeCpuGenerator(seed); }

}  // namespace vds
