#include "data/video_folder.h"

#include <fstream>
#include <iterator>
#include <sstream>

#include "core/content_hash.h"
#include "core/errors.h"
#include "data/shapes_world.h"
#include "io/atomic_file.h"
#include "io/safetensors.h"

namespace vds {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

template <typename T>
T required(const json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw FormatError(where + ": missing key '" + key + "'");
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    throw FormatError(where + ": key '" + key + "' has the wrong type");
  }
}

}  // namespace

std::string ClipCacheSettings::digest() const {
  std::ostringstream text;
  text.precision(17);
  text << kClipCacheFormat << ";frames=" << frames << ";size=" << size << ";fps=" << fps
       << ";autoencoder=" << autoencoderHash;
  // Version 1 adds nothing, so the digests of caches made before the field are unchanged.
  if (decoderVersion != 1) text << ";decoder=" << decoderVersion;
  return hashText(text.str());
}

json ClipCacheManifest::toJson() const {
  json j;
  j["format"] = kClipCacheFormat;
  j["folder"] = folder;
  j["captions"] = captions;
  j["settings"] = {{"frames", settings.frames},
                   {"size", settings.size},
                   {"fps", settings.fps},
                   {"autoencoder", settings.autoencoder},
                   {"autoencoder_hash", settings.autoencoderHash},
                   {"decoder_version", settings.decoderVersion},
                   {"digest", settings.digest()}};
  j["latent_shape"] = latentShape;
  j["clips"] = json::array();
  for (const auto& c : clips)
    j["clips"].push_back({{"id", c.id},
                          {"file", c.file},
                          {"caption", c.caption},
                          {"key", c.key},
                          {"held_frames", c.heldFrames},
                          {"source_frames", c.sourceFrames},
                          {"source_fps", c.sourceFps},
                          {"source_width", c.sourceWidth},
                          {"source_height", c.sourceHeight}});
  j["skipped"] = json::array();
  for (const auto& s : skipped) j["skipped"].push_back({{"file", s.file}, {"reason", s.reason}});
  j["sources"] = json::object();
  for (const auto& [file, stamp] : sources)
    j["sources"][file] = {{"size", stamp.size}, {"mtime", stamp.mtime}, {"hash", stamp.hash}};
  return j;
}

ClipCacheManifest ClipCacheManifest::fromJson(const json& j, const std::string& where) {
  const auto format = required<std::string>(j, "format", where);
  if (format != kClipCacheFormat)
    throw FormatError(where + ": format '" + format + "' is not " + kClipCacheFormat);
  ClipCacheManifest m;
  m.folder = required<std::string>(j, "folder", where);
  m.captions = required<std::string>(j, "captions", where);
  const json s = required<json>(j, "settings", where);
  m.settings.frames = required<int64_t>(s, "frames", where + " settings");
  m.settings.size = required<int64_t>(s, "size", where + " settings");
  m.settings.fps = required<double>(s, "fps", where + " settings");
  m.settings.autoencoder = required<std::string>(s, "autoencoder", where + " settings");
  m.settings.autoencoderHash = required<std::string>(s, "autoencoder_hash", where + " settings");
  m.settings.decoderVersion = s.contains("decoder_version") ? required<int>(s, "decoder_version", where + " settings") : 1;
  m.latentShape = required<std::vector<int64_t>>(j, "latent_shape", where);
  for (const auto& c : required<json>(j, "clips", where)) {
    const std::string at = where + " clip";
    ClipCacheEntry e;
    e.id = required<std::string>(c, "id", at);
    e.file = required<std::string>(c, "file", at);
    e.caption = required<std::string>(c, "caption", at);
    e.key = required<std::string>(c, "key", at);
    e.heldFrames = required<int64_t>(c, "held_frames", at);
    e.sourceFrames = required<int64_t>(c, "source_frames", at);
    e.sourceFps = required<double>(c, "source_fps", at);
    e.sourceWidth = required<int64_t>(c, "source_width", at);
    e.sourceHeight = required<int64_t>(c, "source_height", at);
    m.clips.push_back(std::move(e));
  }
  for (const auto& s2 : required<json>(j, "skipped", where))
    m.skipped.push_back({required<std::string>(s2, "file", where + " skipped"),
                         required<std::string>(s2, "reason", where + " skipped")});
  const json sources = required<json>(j, "sources", where);  // items() must not outlive it
  for (const auto& [file, stamp] : sources.items())
    m.sources[file] = {required<int64_t>(stamp, "size", where + " source"),
                       required<int64_t>(stamp, "mtime", where + " source"),
                       required<std::string>(stamp, "hash", where + " source")};
  return m;
}

ClipCacheManifest ClipCacheManifest::load(const fs::path& dir) {
  const fs::path file = dir / kClipCacheManifestFile;
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw IoError("cannot read '" + file.string() +
                  "': not a clip cache (make one with 'vdstudio-cli dataset import')");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw FormatError("'" + file.string() + "' is not valid JSON: " + e.what());
  }
  return fromJson(j, "'" + file.string() + "'");
}

void ClipCacheManifest::save(const fs::path& dir) const {
  writeFileAtomic(dir / kClipCacheManifestFile, toJson().dump(1) + "\n");
}

fs::path clipCacheEntryPath(const fs::path& dir, const std::string& key) {
  return dir / kClipCacheEntriesDir / (key + ".safetensors");
}

VideoFolderDataset::VideoFolderDataset(const fs::path& cacheDir, Split split)
    : dir_(cacheDir), manifest_(ClipCacheManifest::load(cacheDir)) {
  const auto n = static_cast<int64_t>(manifest_.clips.size());
  if (n == 0) throw DataError("clip cache '" + cacheDir.string() + "' holds no clips");
  for (int64_t i = 0; i < n; ++i) {
    const bool heldOut = n >= kHeldOutEvery && i % kHeldOutEvery == kHeldOutEvery - 1;
    if (n < kHeldOutEvery || heldOut == (split == Split::heldout)) indices_.push_back(static_cast<size_t>(i));
  }
  for (size_t i : indices_) {
    const fs::path file = clipCacheEntryPath(dir_, manifest_.clips[i].key);
    if (!fs::exists(file))
      throw DataError("clip cache '" + cacheDir.string() + "': the entry of '" + manifest_.clips[i].file +
                      "' is missing (" + file.string() + "); import the folder again");
  }
}

const ClipCacheEntry& VideoFolderDataset::entry(int64_t index) const {
  if (index < 0 || index >= size())
    throw DataError("video folder dataset '" + dir_.string() + "': index " + std::to_string(index) +
                    " is outside [0, " + std::to_string(size()) + ")");
  return manifest_.clips[indices_[static_cast<size_t>(index)]];
}

std::map<std::string, torch::Tensor> VideoFolderDataset::load(int64_t index) const {
  const ClipCacheEntry& e = entry(index);
  const fs::path file = clipCacheEntryPath(dir_, e.key);
  auto tensors = safetensors::load(file);
  const auto frames = tensors.find("frames");
  const auto latents = tensors.find("latents");
  if (frames == tensors.end() || latents == tensors.end())
    throw FormatError("clip cache entry '" + file.string() + "' lacks 'frames' or 'latents'");
  const auto& s = manifest_.settings;
  if (frames->second.scalar_type() != torch::kUInt8 ||
      frames->second.sizes() != torch::IntArrayRef{s.frames, s.size, s.size, 3})
    throw FormatError("clip cache entry '" + file.string() + "': frames are " + c10::str(frames->second.sizes()) +
                      ", the manifest says [" + std::to_string(s.frames) + ", " + std::to_string(s.size) + ", " +
                      std::to_string(s.size) + ", 3]");
  return tensors;
}

Sample VideoFolderDataset::get(int64_t index) const {
  auto tensors = load(index);
  Sample sample;
  sample.video = framesToModelRange(tensors.at("frames"));
  sample.firstFrame = sample.video.select(0, 0);
  sample.caption = entry(index).caption;
  sample.index = index;
  return sample;
}

torch::Tensor VideoFolderDataset::latents(int64_t index) const { return load(index).at("latents"); }

std::shared_ptr<const ClipDataset> openVideoFolderDataset(const Config& config, Split split) {
  const std::string path = config.get<std::string>("data.path");
  if (path.empty())
    throw ConfigError("data.path: required when data.source is video_folder (a clip cache made by "
                      "'vdstudio-cli dataset import')");
  if (!fs::is_directory(path)) throw ConfigError("data.path: '" + path + "' is not a directory");
  const auto frames = config.get<int64_t>("data.frames");
  const auto size = config.get<int64_t>("data.size");
  std::shared_ptr<VideoFolderDataset> dataset;
  try {
    dataset = std::make_shared<VideoFolderDataset>(path, split);
  } catch (const Error& e) {
    throw ConfigError(std::string("data.path: ") + e.what());
  }
  const auto& s = dataset->manifest().settings;
  if (s.frames != frames || s.size != size)
    throw ConfigError("data.path: '" + path + "' holds clips of " + std::to_string(s.frames) + " frames at " +
                      std::to_string(s.size) + "x" + std::to_string(s.size) + ", but data.frames is " +
                      std::to_string(frames) + " and data.size is " + std::to_string(size) +
                      "; change them, or import again with 'vdstudio-cli dataset import " + dataset->manifest().folder +
                      " --captions " + dataset->manifest().captions + " --frames " + std::to_string(frames) +
                      " --size " + std::to_string(size) + (s.fps > 0 ? " --fps " + c10::str(s.fps) : std::string()) +
                      " --out " + path + "'");
  return dataset;
}

}  // namespace vds
