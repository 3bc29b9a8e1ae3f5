// Importing a folder of real videos with captions into a clip cache (data/video_folder.h):
// each video is decoded once (upright: io/video_decoder applies a display-matrix
// rotation), resampled to the model's frame count and rate, centre-cropped and resized
// to its square frame size, and encoded once with the autoencoder.
//
// Files that fail (corrupt, truncated, empty, not a video, unsupported codec, no
// caption) are skipped and reported, and the import goes on. Entries already in the
// cache are reused, never rewritten, and never lost to a failing file.
#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/progress.h"
#include "data/video_folder.h"

namespace vds {

struct VideoImportOptions {
  std::filesystem::path folder;    // the videos (searched recursively; hidden entries skipped)
  std::filesystem::path captions;  // .csv or .json; empty: <folder>/captions.csv or captions.json
  std::filesystem::path cache;     // the clip cache directory (created when missing)
  int64_t frames = 8;              // frames per clip, [1, 1024]
  int64_t size = 32;               // square frame side; a multiple of the autoencoder's downsampling
  double fps = 0;                  // 0: the source's own rate; else resampled to this rate
  std::string autoencoder = "builtin:autoencoder";  // package path or builtin:NAME
  bool prune = false;              // delete cache entries the new manifest does not list
  const std::atomic<bool>* cancel = nullptr;         // optional; true throws CancelledError
};

struct VideoImportReport {
  int64_t clips = 0;    // clips in the cache's manifest after the import
  int64_t encoded = 0;  // decoded and encoded by this import
  int64_t reused = 0;   // found in the cache already
  int64_t pruned = 0;   // entry files deleted (prune only)
  std::vector<SkippedFile> skipped;
  std::filesystem::path manifest;
};

// ConfigError for bad options (naming the option); IoError when the folder, captions
// file or cache cannot be read or written; FormatError for a malformed captions file.
// Per-file failures are not errors: they are in report.skipped.
VideoImportReport importVideoFolder(const VideoImportOptions& options, const ProgressTracker::Callback& progress = {});

}  // namespace vds
