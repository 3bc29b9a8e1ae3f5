// Imported folders of real videos: the clip cache that `importVideoFolder`
// (data/video_import.h) writes, and the ClipDataset that reads it.
//
// A cache directory holds
//   manifest.json               what was imported, with which settings, and what was skipped
//   clips/<key>.safetensors     one file per clip: "frames" uint8 [F, S, S, 3] (the resampled,
//                               centre-cropped pixels) and "latents" float [F, C, S/f, S/f]
//                               (the autoencoder's scaled latents of those frames)
// <key> is a digest of the source file's content and of the import settings (frames,
// size, fps, the autoencoder's weights, the decoder's version), so an unchanged file
// under unchanged settings is never decoded or encoded twice, and a change of either
// makes a new entry. Every file is written atomically; entries are never rewritten once made.
#pragma once
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "data/dataset.h"
#include "io/video_decoder.h"

namespace vds {

inline constexpr const char* kClipCacheFormat = "vdstudio-clip-cache/1";
inline constexpr const char* kClipCacheManifestFile = "manifest.json";
inline constexpr const char* kClipCacheEntriesDir = "clips";

// What every clip of one import was made with.
struct ClipCacheSettings {
  int64_t frames = 8;
  int64_t size = 32;
  double fps = 0;               // 0: the source's own frame rate
  std::string autoencoder;      // the package path, as given
  std::string autoencoderHash;  // digest of its files
  // io/video_decoder.h kVideoDecoderVersion the frames were decoded with; manifests
  // older than the field were made by version 1. A newer decoder changes every key, so
  // an import after an upgrade decodes each file once more (version 2 turns rotated
  // phone videos upright; their old entries held sideways frames).
  int decoderVersion = kVideoDecoderVersion;
  // Digest of everything above that changes the cached tensors (not the path).
  std::string digest() const;
};

struct ClipCacheEntry {
  std::string id;       // the caption id it matched
  std::string file;     // path relative to the imported folder
  std::string caption;
  std::string key;      // clips/<key>.safetensors
  int64_t heldFrames = 0;  // trailing copies of the last frame (the source was too short)
  int64_t sourceFrames = 0;
  double sourceFps = 0;
  int64_t sourceWidth = 0, sourceHeight = 0;
};

struct SkippedFile {
  std::string file;    // relative to the imported folder
  std::string reason;  // the error's message
};

// Size and modification time of a source file with its content digest, so that a
// re-import hashes only files that changed.
struct SourceStamp {
  int64_t size = 0;
  int64_t mtime = 0;  // nanoseconds since the file clock's epoch
  std::string hash;
};

struct ClipCacheManifest {
  std::string folder;    // the imported folder (absolute)
  std::string captions;  // the captions file used
  ClipCacheSettings settings;
  std::vector<int64_t> latentShape;  // [F, C, h, w]
  std::vector<ClipCacheEntry> clips;  // sorted by file
  std::vector<SkippedFile> skipped;
  std::map<std::string, SourceStamp> sources;

  nlohmann::json toJson() const;
  // FormatError naming `sourceName` for a missing key, wrong type or unknown format.
  static ClipCacheManifest fromJson(const nlohmann::json& json, const std::string& sourceName);
  // <dir>/manifest.json; IoError when missing, FormatError when malformed.
  static ClipCacheManifest load(const std::filesystem::path& dir);
  // Writes <dir>/manifest.json atomically.
  void save(const std::filesystem::path& dir) const;
};

// <dir>/clips/<key>.safetensors
std::filesystem::path clipCacheEntryPath(const std::filesystem::path& dir, const std::string& key);

// Held-out rule: with at least kHeldOutEvery clips, every kHeldOutEvery-th clip (in
// manifest order) is held out and the rest are for training; a smaller import is too
// small to split, and both splits are every clip.
inline constexpr int64_t kHeldOutEvery = 10;

// The clips of an import as a ClipDataset: Sample.video is the cached pixels
// (framesToModelRange of "frames"), the caption comes from the manifest.
class VideoFolderDataset : public ClipDataset {
 public:
  // IoError/FormatError naming the manifest; DataError when the split is empty or a
  // listed entry file is missing.
  explicit VideoFolderDataset(const std::filesystem::path& cacheDir, Split split = Split::train);
  int64_t size() const override { return static_cast<int64_t>(indices_.size()); }
  Sample get(int64_t index) const override;
  // The cached latents of clip `index`: float [F, C, h, w], scaled like AutoencoderImpl::encode.
  torch::Tensor latents(int64_t index) const;
  const ClipCacheEntry& entry(int64_t index) const;
  const ClipCacheManifest& manifest() const { return manifest_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::map<std::string, torch::Tensor> load(int64_t index) const;
  std::filesystem::path dir_;
  ClipCacheManifest manifest_;
  std::vector<size_t> indices_;  // into manifest_.clips
};

// The dataset of a run with data.source = video_folder: the cache at data.path, checked
// against data.frames and data.size. ConfigError naming the key at fault, with the
// import command that would fix it.
std::shared_ptr<const ClipDataset> openVideoFolderDataset(const Config& config, Split split);

}  // namespace vds
