// Deterministic randomness. Every random stream is derived from a run seed and
// named tags, so the same seed reproduces a run and streams never collide.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <initializer_list>

namespace vds {

// SplitMix64 finaliser: a bijective 64-bit mixer (Steele et al. 2014).
constexpr uint64_t mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A seed for the stream named by `tags` under `seed`.
uint64_t deriveSeed(uint64_t seed, std::initializer_list<uint64_t> tags);

// A 64-bit tag from a short name, so streams can be named ("data", "noise" ...).
uint64_t tagOf(const char* name);

// A small, portable pseudo-random generator (SplitMix64 stream). Unlike the
// <random> distributions its outputs are identical on every platform and compiler.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    const uint64_t z = state_;
    state_ += 0x9E3779B97F4A7C15ULL;
    return mix64(z);  // mix64 adds the increment itself: this is SplitMix64
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift, bias < 2^-64 * n).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // Standard normal by Box-Muller (one value per call; portable).
  double normal();

 private:
  uint64_t state_;
};

// A torch CPU generator seeded from a derived seed.
at::Generator makeGenerator(uint64_t seed);

}  // namespace vds
