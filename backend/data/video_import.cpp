#include "data/video_import.h"

#include <algorithm>
#include <set>

#include "core/content_hash.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/paths.h"
#include "data/captions.h"
#include "data/shapes_world.h"
#include "io/model_package.h"
#include "io/safetensors.h"
#include "io/video_decoder.h"
#include "pipeline/model_zoo.h"

namespace vds {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxImportFrames = 1024;
constexpr int64_t kMinImportSize = 8;
constexpr int64_t kMaxImportSize = 1024;
constexpr double kMaxImportFps = 240.0;
constexpr int64_t kEncodeChunk = 64;  // frames per autoencoder call, to bound memory at large sizes

bool isHidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name.front() == '.';
}

fs::path canonicalOrSelf(const fs::path& p) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(p, ec);
  return ec ? fs::absolute(p) : c;
}

bool isInside(const fs::path& child, const fs::path& parent) {
  auto c = child.begin(), p = parent.begin();
  for (; p != parent.end(); ++p, ++c)
    if (c == child.end() || *c != *p) return false;
  return true;
}

// Every candidate file under the folder, relative to it, in a stable order.
std::vector<fs::path> listVideos(const fs::path& folder, const fs::path& captions, const fs::path& cache) {
  const fs::path cacheDir = canonicalOrSelf(cache), captionsFile = canonicalOrSelf(captions);
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw IoError("cannot list the video folder '" + folder.string() + "': " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw IoError("cannot list the video folder '" + folder.string() + "': " + ec.message());
    const fs::path path = it->path();
    if (isHidden(path)) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory(ec)) {
      if (isInside(canonicalOrSelf(path), cacheDir)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    if (canonicalOrSelf(path) == captionsFile) continue;
    files.push_back(path.lexically_relative(folder));
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.generic_string() < b.generic_string(); });
  return files;
}

fs::path findCaptions(const VideoImportOptions& o) {
  if (!o.captions.empty()) return o.captions;
  for (const char* name : {"captions.csv", "captions.json"})
    if (fs::is_regular_file(o.folder / name)) return o.folder / name;
  throw ConfigError("no captions file: pass one (--captions FILE), or put captions.csv or captions.json in '" +
                    o.folder.string() + "'");
}

void checkOptions(const VideoImportOptions& o) {
  if (o.folder.empty()) throw ConfigError("video import: the folder is not set");
  if (!fs::is_directory(o.folder)) throw IoError("video import: '" + o.folder.string() + "' is not a directory");
  if (o.cache.empty()) throw ConfigError("video import: the cache directory (--out) is not set");
  if (o.frames < 1 || o.frames > kMaxImportFrames)
    throw ConfigError("frames " + std::to_string(o.frames) + " is outside [1, " + std::to_string(kMaxImportFrames) + "]");
  if (o.size < kMinImportSize || o.size > kMaxImportSize)
    throw ConfigError("size " + std::to_string(o.size) + " is outside [" + std::to_string(kMinImportSize) + ", " +
                      std::to_string(kMaxImportSize) + "]");
  if (o.fps < 0 || o.fps > kMaxImportFps)
    throw ConfigError("fps " + std::to_string(o.fps) + " is outside [0, " + std::to_string(kMaxImportFps) +
                      "] (0 keeps the source rate)");
}

std::string hashPackage(const ModelPackage& package) {
  ContentHasher hasher;
  std::vector<std::string> files{kModelManifestFile};
  for (const auto& w : package.weightFiles()) files.push_back(w);
  for (const auto& f : files) {
    hasher.update(f);
    hasher.update(hashFile(package.dir() / f));
  }
  return hasher.hex();
}

SourceStamp stampOf(const fs::path& file, const std::map<std::string, SourceStamp>& known, const std::string& rel) {
  SourceStamp stamp;
  stamp.size = static_cast<int64_t>(fs::file_size(file));
  stamp.mtime = static_cast<int64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(fs::last_write_time(file).time_since_epoch()).count());
  const auto it = known.find(rel);
  if (it != known.end() && it->second.size == stamp.size && it->second.mtime == stamp.mtime && !it->second.hash.empty())
    stamp.hash = it->second.hash;
  else
    stamp.hash = hashFile(file);
  return stamp;
}

// The entry's own record of where it came from, so a reused entry needs no old manifest.
std::map<std::string, std::string> entryMetadata(const ClipCacheEntry& e) {
  return {{"source", e.file},
          {"held_frames", std::to_string(e.heldFrames)},
          {"source_frames", std::to_string(e.sourceFrames)},
          {"source_fps", std::to_string(e.sourceFps)},
          {"source_width", std::to_string(e.sourceWidth)},
          {"source_height", std::to_string(e.sourceHeight)}};
}

// Reads the metadata of an existing entry; false when the entry is unreadable or of
// another shape (it is then made again).
bool readEntry(const fs::path& file, const std::vector<int64_t>& latentShape, const ClipCacheSettings& s,
               ClipCacheEntry& e) {
  try {
    std::map<std::string, std::string> meta;
    const auto tensors = safetensors::load(file, &meta);
    const auto frames = tensors.find("frames");
    const auto latents = tensors.find("latents");
    if (frames == tensors.end() || latents == tensors.end()) return false;
    if (frames->second.sizes() != torch::IntArrayRef{s.frames, s.size, s.size, 3}) return false;
    if (latents->second.sizes() != torch::IntArrayRef(latentShape)) return false;
    e.heldFrames = std::stoll(meta.at("held_frames"));
    e.sourceFrames = std::stoll(meta.at("source_frames"));
    e.sourceFps = std::stod(meta.at("source_fps"));
    e.sourceWidth = std::stoll(meta.at("source_width"));
    e.sourceHeight = std::stoll(meta.at("source_height"));
    return true;
  } catch (const std::exception& err) {
    logger()->warn("clip cache entry '{}' is unreadable ({}); making it again", file.string(), err.what());
    return false;
  }
}

torch::Tensor encodeLatents(LoadedAutoencoder& ae, const torch::Tensor& frames) {
  torch::NoGradGuard noGrad;
  const torch::Tensor images = framesToModelRange(frames);
  std::vector<torch::Tensor> parts;
  for (int64_t begin = 0; begin < images.size(0); begin += kEncodeChunk)
    parts.push_back(ae.module->encode(images.narrow(0, begin, std::min(kEncodeChunk, images.size(0) - begin))));
  return torch::cat(parts, 0).contiguous();
}

}  // namespace

VideoImportReport importVideoFolder(const VideoImportOptions& options, const ProgressTracker::Callback& progress) {
  checkOptions(options);
  const fs::path captionsFile = findCaptions(options);
  const CaptionTable captions = CaptionTable::load(captionsFile);

  LoadedAutoencoder ae = loadAutoencoder(resolveModelPath(options.autoencoder));
  ae.module->eval();
  const int64_t factor = ae.module->options().downsampleFactor();
  if (options.size % factor != 0)
    throw ConfigError("size " + std::to_string(options.size) + " is not a multiple of the autoencoder's downsampling " +
                      std::to_string(factor) + " ('" + options.autoencoder + "')");

  ClipCacheManifest manifest;
  manifest.folder = canonicalOrSelf(options.folder).string();
  manifest.captions = canonicalOrSelf(captionsFile).string();
  manifest.settings.frames = options.frames;
  manifest.settings.size = options.size;
  manifest.settings.fps = options.fps;
  manifest.settings.autoencoder = options.autoencoder;
  manifest.settings.autoencoderHash = hashPackage(ae.package);
  manifest.settings.decoderVersion = kVideoDecoderVersion;  // frames from another decoder version are not reused
  manifest.latentShape = {options.frames, ae.module->options().latentChannels, options.size / factor,
                          options.size / factor};
  const std::string settingsDigest = manifest.settings.digest();

  std::error_code ec;
  fs::create_directories(options.cache / kClipCacheEntriesDir, ec);
  if (ec) throw IoError("cannot create the clip cache '" + options.cache.string() + "': " + ec.message());

  // The previous manifest only saves hashing unchanged files; entries are found by key.
  std::map<std::string, SourceStamp> known;
  if (fs::exists(options.cache / kClipCacheManifestFile)) {
    try {
      known = ClipCacheManifest::load(options.cache).sources;
    } catch (const Error& e) {
      logger()->warn("ignoring the previous manifest: {}", e.what());
    }
  }

  const std::vector<fs::path> files = listVideos(options.folder, captionsFile, options.cache);
  ProgressTracker tracker("import", static_cast<int64_t>(files.size()), progress);
  VideoImportReport report;
  VideoDecodeOptions decode;
  decode.frames = options.frames;
  decode.fps = options.fps;
  decode.size = options.size;
  decode.cancel = options.cancel;

  for (const fs::path& rel : files) {
    if (options.cancel != nullptr && options.cancel->load()) throw CancelledError();
    const fs::path path = options.folder / rel;
    const std::string relName = rel.generic_string();
    try {
      const auto caption = captions.find(rel);
      if (!caption) throw DataError("no caption for '" + relName + "' in '" + captionsFile.string() + "'");
      const SourceStamp stamp = stampOf(path, known, relName);
      manifest.sources[relName] = stamp;

      ClipCacheEntry e;
      e.file = relName;
      e.caption = *caption;
      e.id = rel.stem().string();
      e.key = hashText(settingsDigest + ":" + stamp.hash);
      const fs::path entryFile = clipCacheEntryPath(options.cache, e.key);
      if (fs::exists(entryFile) && readEntry(entryFile, manifest.latentShape, manifest.settings, e)) {
        ++report.reused;
      } else {
        const DecodedVideo video = decodeVideo(path, decode);
        e.heldFrames = video.heldFrames;
        e.sourceFrames = video.sourceFrames;
        e.sourceFps = video.sourceFps;
        e.sourceWidth = video.sourceWidth;
        e.sourceHeight = video.sourceHeight;
        const torch::Tensor latents = encodeLatents(ae, video.frames);
        safetensors::save(entryFile, {{"frames", video.frames}, {"latents", latents}}, entryMetadata(e));
        ++report.encoded;
      }
      manifest.clips.push_back(std::move(e));
    } catch (const CancelledError&) {
      throw;
    } catch (const Error& err) {
      report.skipped.push_back({relName, err.what()});
    } catch (const c10::Error& err) {
      report.skipped.push_back({relName, err.what_without_backtrace()});
    } catch (const fs::filesystem_error& err) {
      report.skipped.push_back({relName, err.what()});
    }
    tracker.advance();
  }

  manifest.skipped = report.skipped;
  manifest.save(options.cache);
  report.clips = static_cast<int64_t>(manifest.clips.size());
  report.manifest = options.cache / kClipCacheManifestFile;

  if (options.prune) {
    std::set<std::string> keep;
    for (const auto& c : manifest.clips) keep.insert(c.key + ".safetensors");
    for (const auto& f : fs::directory_iterator(options.cache / kClipCacheEntriesDir, ec)) {
      if (keep.count(f.path().filename().string()) != 0) continue;
      if (fs::remove(f.path(), ec)) ++report.pruned;
    }
  }
  return report;
}

}  // namespace vds
