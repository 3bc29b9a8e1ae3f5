// Checkpoints: every trainable slot's weights, optimiser state, the RNG stream, the
// data cursor and the step, written atomically as checkpoints/step-NNNNNN/ (ARCHITECTURE §8).
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "train/slots.h"

namespace vds {

struct CheckpointMeta {
  int64_t step = 0;
  int64_t dataEpoch = 0, dataPosition = 0;
  int64_t nonFiniteSteps = 0;
  double wallSeconds = 0;
  YAML::Node methodState;
};

// "step-000123".
std::string checkpointName(int64_t step);

// Writes a checkpoint into `checkpointsDir`/step-NNNNNN, staged in a temporary folder and
// renamed into place, so a crash leaves either the old set or the new one. Returns its path.
std::filesystem::path writeCheckpoint(const std::filesystem::path& checkpointsDir, const SlotSet& slots,
                                      const at::Generator& generator, const CheckpointMeta& meta);

// Restores slots (trainable and EMA ones), optimisers and the generator; returns the meta.
// FormatError naming the file for anything missing or malformed.
CheckpointMeta readCheckpoint(const std::filesystem::path& checkpointDir, SlotSet& slots, at::Generator& generator);

// Checkpoint folders under `checkpointsDir`, oldest first (ignores staging leftovers).
std::vector<std::filesystem::path> listCheckpoints(const std::filesystem::path& checkpointsDir);
std::optional<std::filesystem::path> latestCheckpoint(const std::filesystem::path& checkpointsDir);
// Deletes all but the newest `keep`.
void pruneCheckpoints(const std::filesystem::path& checkpointsDir, int keep);

}  // namespace vds
