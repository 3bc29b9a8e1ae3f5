#include "train/checkpoint.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/config.h"
#include "core/errors.h"
#include "io/atomic_file.h"
#include "io/model_package.h"
#include "io/safetensors.h"

namespace fs = std::filesystem;

namespace vds {
namespace {

constexpr const char* kPrefix = "step-";
constexpr const char* kMetaFile = "state.yaml";

bool savesWeights(const Slot& slot) { return !slot.options.frozen; }

}  // namespace

std::string checkpointName(int64_t step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%06lld", kPrefix, static_cast<long long>(step));
  return buf;
}

fs::path writeCheckpoint(const fs::path& checkpointsDir, const SlotSet& slots, const at::Generator& generator,
                         const CheckpointMeta& meta) {
  fs::create_directories(checkpointsDir);
  const fs::path target = checkpointsDir / checkpointName(meta.step);
  const fs::path staged = createStagingDirectory(target);
  try {
    YAML::Node slotList(YAML::NodeType::Sequence);
    for (const auto& name : slots.names()) {
      const Slot& slot = slots.at(name);
      if (!savesWeights(slot)) continue;
      safetensors::save(staged / (name + ".safetensors"), namedState(*slot.module));
      if (slot.optimizer) safetensors::save(staged / (name + ".optim.safetensors"), optimizerState(slot));
      slotList.push_back(name);
    }
    safetensors::save(staged / "rng.safetensors", {{"train", generator.get_state()}});
    YAML::Node root;
    root["step"] = meta.step;
    root["data"]["epoch"] = meta.dataEpoch;
    root["data"]["position"] = meta.dataPosition;
    root["non_finite_steps"] = meta.nonFiniteSteps;
    root["wall_seconds"] = meta.wallSeconds;
    root["slots"] = slotList;
    if (meta.methodState) root["method"] = meta.methodState;
    YAML::Emitter out;
    out << withShortestNumbers(root);
    writeFileAtomic(staged / kMetaFile, std::string(out.c_str()) + "\n");
    replaceDirectoryAtomic(staged, target);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(staged, ec);
    throw;
  }
  return target;
}

CheckpointMeta readCheckpoint(const fs::path& dir, SlotSet& slots, at::Generator& generator) {
  const fs::path metaPath = dir / kMetaFile;
  YAML::Node root;
  try {
    root = YAML::LoadFile(metaPath.string());
  } catch (const YAML::Exception& e) {
    throw FormatError("checkpoint '" + metaPath.string() + "' is unreadable: " + e.what());
  }
  CheckpointMeta meta;
  try {
    meta.step = root["step"].as<int64_t>();
    meta.dataEpoch = root["data"]["epoch"].as<int64_t>();
    meta.dataPosition = root["data"]["position"].as<int64_t>();
    meta.nonFiniteSteps = root["non_finite_steps"].as<int64_t>();
    meta.wallSeconds = root["wall_seconds"].as<double>();
    meta.methodState = root["method"];
  } catch (const YAML::Exception& e) {
    throw FormatError("checkpoint '" + metaPath.string() + "' lacks a field: " + e.what());
  }
  for (const auto& name : slots.names()) {
    Slot& slot = slots.at(name);
    if (!savesWeights(slot)) continue;
    const fs::path weights = dir / (name + ".safetensors");
    if (!fs::exists(weights)) throw FormatError("checkpoint '" + dir.string() + "' has no weights for slot '" + name + "'");
    const auto state = safetensors::load(weights);
    torch::NoGradGuard noGrad;
    for (auto& item : slot.module->named_parameters(true)) {
      auto it = state.find(item.key());
      if (it == state.end() || it->second.sizes() != item.value().sizes())
        throw FormatError(weights.string() + ": tensor '" + item.key() + "' is missing or mis-shaped");
      item.value().copy_(it->second);
    }
    for (auto& item : slot.module->named_buffers(true)) {
      auto it = state.find(item.key());
      if (it != state.end()) item.value().copy_(it->second);
    }
    if (slot.optimizer) {
      const fs::path optim = dir / (name + ".optim.safetensors");
      loadOptimizerState(slot, safetensors::load(optim), optim.string());
    }
  }
  const auto rng = safetensors::load(dir / "rng.safetensors");
  auto it = rng.find("train");
  if (it == rng.end()) throw FormatError((dir / "rng.safetensors").string() + ": no 'train' generator state");
  generator.set_state(it->second);
  return meta;
}

std::vector<fs::path> listCheckpoints(const fs::path& checkpointsDir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(checkpointsDir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(checkpointsDir)) {
    const std::string name = entry.path().filename().string();
    // Only complete checkpoints: "step-" and digits (staging folders carry a suffix).
    const bool digits = name.size() > std::strlen(kPrefix) &&
                        name.find_first_not_of("0123456789", std::strlen(kPrefix)) == std::string::npos;
    if (entry.is_directory() && name.rfind(kPrefix, 0) == 0 && digits && fs::exists(entry.path() / kMetaFile))
      out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<fs::path> latestCheckpoint(const fs::path& checkpointsDir) {
  auto all = listCheckpoints(checkpointsDir);
  if (all.empty()) return std::nullopt;
  return all.back();
}

void pruneCheckpoints(const fs::path& checkpointsDir, int keep) {
  auto all = listCheckpoints(checkpointsDir);
  for (size_t i = 0; i + static_cast<size_t>(std::max(keep, 1)) < all.size(); ++i) fs::remove_all(all[i]);
}

}  // namespace vds
