// Everything between a resolved run config and a ready Trainer: the method, its
// datasets, the prefetching loader and the preview prompts. The CLI, the GUI and the
// tests all start runs through here, so a run behaves the same wherever it starts.
#pragma once
#include <filesystem>
#include <memory>

#include "train/trainer.h"

namespace vds {

// Held-out clips shown at every sample step.
inline constexpr int64_t kPreviewClips = 4;

// The data loader's seed: derived from run.seed but distinct from the model streams.
uint64_t dataSeed(const Config& config);

// The workspace a run writes to: run.workspace, else defaultWorkspace() (ARCHITECTURE §8).
std::filesystem::path runWorkspace(const Config& config);
// Where a run goes when no folder is given: WORKSPACE/runs/NAME, with NAME = run.name, or
// METHOD-YYYYmmdd-HHMMSS (local time) for an unnamed run. The CLI and the studio both use it.
std::filesystem::path defaultRunDir(const Config& config);

// Builds the method named by method.name, its training loader and the Trainer, and sets
// the preview batch from the held-out split.
std::unique_ptr<Trainer> prepareRun(const Config& config, const RunPaths& paths, EventSink* events);

}  // namespace vds
