// Importing folders of real videos into a clip cache, and training data from it.
#include <cstdlib>

#include "core/content_hash.h"
#include "core/errors.h"
#include "core/paths.h"
#include "core/rng.h"
#include "data/captions.h"
#include "data/dataloader.h"
#include "data/shapes_world.h"
#include "data/video_folder.h"
#include "data/video_import.h"
#include "io/image_io.h"
#include "io/video_decoder.h"
#include "io/video_encoder.h"
#include "io/video_frames.h"
#include "methods/registry.h"
#include "pipeline/model_zoo.h"
#include "support/shapes_clip.h"
#include "support/test_support.h"

namespace fs = std::filesystem;

namespace {

constexpr int64_t kFrames = 4;
constexpr int64_t kSize = 16;

torch::Tensor shapesClip(int64_t index, int size, int frames) { return vds::test::shapesClip(index, size, frames, 3); }

// Three good videos (MP4, GIF, a portrait WebM), a captions CSV with quoted commas, and
// optionally the bad files every import must survive.
void writeVideoFolder(const fs::path& dir, bool withBadFiles) {
  fs::create_directories(dir / "sub");
  vds::encodeVideo(dir / "clip_a.mp4", shapesClip(0, 32, 8));
  vds::encodeVideo(dir / "clip_b.gif", shapesClip(1, 24, 6));
  const auto portrait = vds::upscaleNearest(shapesClip(2, 16, 5), 2).narrow(2, 4, 20).contiguous();  // 32x20
  vds::encodeVideo(dir / "sub" / "clip_c.webm", portrait);
  std::string csv =
      "videoid,caption\r\n"
      "clip_a,\"a red circle, moving left\"\r\n"
      "clip_b,\"a \"\"quoted\"\" blue square\"\r\n"
      "clip_c,a portrait clip\r\n";
  if (withBadFiles) {
    const std::string good = vds::test::readBytes(dir / "clip_a.mp4");
    vds::test::writeBytes(dir / "empty.mp4", "");
    vds::test::writeBytes(dir / "broken.mp4", std::string(2000, '\x42'));
    vds::test::writeBytes(dir / "truncated.mp4", good.substr(0, good.size() / 3));
    vds::test::writeBytes(dir / "notes.txt", "just some notes, not a video\n");
    vds::encodeVideo(dir / "uncaptioned.gif", shapesClip(4, 16, 2));
    csv += "empty,e\r\nbroken,b\r\ntruncated,t\r\nnotes,n\r\n";
  }
  vds::test::writeBytes(dir / "captions.csv", csv);
}

vds::VideoImportOptions importOptions(const fs::path& folder, const fs::path& cache) {
  vds::VideoImportOptions o;
  o.folder = folder;
  o.cache = cache;
  o.frames = kFrames;
  o.size = kSize;
  o.fps = 8;
  return o;
}

std::map<std::string, fs::file_time_type> entryTimes(const fs::path& cache) {
  std::map<std::string, fs::file_time_type> times;
  for (const auto& e : fs::directory_iterator(cache / vds::kClipCacheEntriesDir))
    times[e.path().filename().string()] = fs::last_write_time(e.path());
  return times;
}

const vds::SkippedFile* findSkipped(const vds::VideoImportReport& r, const std::string& file) {
  for (const auto& s : r.skipped)
    if (s.file == file) return &s;
  return nullptr;
}

}  // namespace

class DataVideoFolderTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void captionsCsvAndJson() {
    const auto table = vds::CaptionTable::fromCsv(
        "\xEF\xBB\xBFvideoid,duration,caption\n"
        "1,3,\"commas, and \"\"quotes\"\"\"\n"
        "2,4,\"two\nlines\"\r\n"
        "\n"
        "dir/3.mp4,5,plain\n",
        "c.csv");
    QCOMPARE(table.size(), size_t{3});
    QCOMPARE(*table.find("1.mp4"), std::string("commas, and \"quotes\""));
    QCOMPARE(*table.find("x/2.webm"), std::string("two\nlines"));
    QCOMPARE(*table.find("dir/3.mp4"), std::string("plain"));
    QVERIFY(!table.find("4.mp4"));
    // WebVid-10M's own header names the caption column "name".
    const auto webvid = vds::CaptionTable::fromCsv("videoid,contentUrl,name\n7,http://x,seven\n", "w.csv");
    QCOMPARE(*webvid.find("7.mp4"), std::string("seven"));

    VDS_EXPECT_THROW_MSG(vds::CaptionTable::fromCsv("file,what\n1,x\n", "c.csv"), vds::FormatError,
                         "c.csv:1: no caption column");
    VDS_EXPECT_THROW_MSG(vds::CaptionTable::fromCsv("videoid,caption\n1,\"open\n", "c.csv"), vds::FormatError,
                         "c.csv:2: a quoted field is never closed");
    VDS_EXPECT_THROW_MSG(vds::CaptionTable::fromCsv("videoid,caption\n1,a,b\n", "c.csv"), vds::FormatError,
                         "record 2 has 3 field(s)");

    const auto object = vds::CaptionTable::fromJson(R"({"a": "first", "b": "second"})", "c.json");
    QCOMPARE(*object.find("a.gif"), std::string("first"));
    const auto list = vds::CaptionTable::fromJson(R"([{"videoid": 12, "caption": "twelve"}, {"file": "b.mp4", "text": "bee"}])",
                                                  "c.json");
    QCOMPARE(*list.find("12.mp4"), std::string("twelve"));
    QCOMPARE(*list.find("b.mp4"), std::string("bee"));
    VDS_EXPECT_THROW_MSG(vds::CaptionTable::fromJson("[{\"videoid\": \"x\"}]", "c.json"), vds::FormatError,
                         "c.json: item 0 has no caption key");
    VDS_EXPECT_THROW_MSG(vds::CaptionTable::fromJson("{oops", "c.json"), vds::FormatError, "c.json");
  }

  void importSkipsBadFilesAndKeepsTheGoodOnes() {
    vds::test::TempDir dir;
    writeVideoFolder(dir / "videos", true);
    std::vector<int64_t> progress;
    const auto report = vds::importVideoFolder(importOptions(dir / "videos", dir / "cache"),
                                               [&progress](const vds::ProgressUpdate& u) { progress.push_back(u.done); });
    QCOMPARE(report.clips, int64_t{3});
    QCOMPARE(report.encoded, int64_t{3});
    QCOMPARE(report.reused, int64_t{0});
    QCOMPARE(report.skipped.size(), size_t{5});
    QCOMPARE(progress.back(), int64_t{8});  // every candidate file counted
    for (const char* bad : {"empty.mp4", "broken.mp4", "truncated.mp4", "notes.txt"}) {
      const auto* s = findSkipped(report, bad);
      QVERIFY2(s != nullptr, bad);
      QVERIFY2(s->reason.find(bad) != std::string::npos, s->reason.c_str());  // the reason names the file
    }
    QVERIFY(findSkipped(report, "uncaptioned.gif")->reason.find("no caption") != std::string::npos);

    const vds::VideoFolderDataset data(dir / "cache");
    QCOMPARE(data.size(), int64_t{3});  // too few to hold any out: both splits are everything
    QCOMPARE(vds::VideoFolderDataset(dir / "cache", vds::Split::heldout).size(), int64_t{3});
    QCOMPARE(data.entry(0).file, std::string("clip_a.mp4"));
    QCOMPARE(data.entry(2).file, std::string("sub/clip_c.webm"));
    const auto s0 = data.get(0);
    QCOMPARE(s0.caption, std::string("a red circle, moving left"));
    QCOMPARE(data.get(1).caption, std::string("a \"quoted\" blue square"));
    QCOMPARE(s0.video.sizes(), (torch::IntArrayRef{kFrames, 3, kSize, kSize}));
    QVERIFY(s0.video.min().item<float>() >= -1.0f && s0.video.max().item<float>() <= 1.0f);
    QVERIFY(torch::equal(s0.firstFrame, s0.video[0]));
    // The source (32x32, 8 fps) was resampled to 16x16: compare with the area-resized original.
    const auto expected = vds::resizeFrames(shapesClip(0, 32, 8).narrow(0, 0, kFrames), kSize, kSize);
    QVERIFY(vds::psnrUint8(vds::modelRangeToFrames(s0.video), expected) > 30.0);
    // The portrait clip was centre-cropped to a square before resizing.
    QCOMPARE(data.entry(2).sourceWidth, int64_t{20});
    QCOMPARE(data.entry(2).sourceHeight, int64_t{32});
    QCOMPARE(data.entry(2).heldFrames, int64_t{0});
    // The GIF has 6 frames at 8 fps: 4 are enough, nothing held.
    QCOMPARE(data.entry(1).heldFrames, int64_t{0});
    QVERIFY(std::abs(data.entry(1).sourceFps - 8.0) < 0.5);  // GIF delays are whole 1/100 s: 12 and 13

    // Latents are the autoencoder's encoding of exactly those frames.
    auto ae = vds::loadAutoencoder(vds::resolveModelPath("builtin:autoencoder"));
    torch::NoGradGuard noGrad;
    const auto latents = data.latents(0);
    QCOMPARE(latents.sizes(), (torch::IntArrayRef{kFrames, 4, kSize / 4, kSize / 4}));
    QVERIFY(vds::test::maxAbsDiff(latents, ae.module->encode(s0.video)) < 1e-4);

    // The manifest reports what was skipped.
    const auto manifest = vds::ClipCacheManifest::load(dir / "cache");
    QCOMPARE(manifest.skipped.size(), size_t{5});
    QCOMPARE(manifest.settings.frames, kFrames);
  }

  void cacheIsReusedAndRebuiltWhenSettingsChange() {
    vds::test::TempDir dir;
    writeVideoFolder(dir / "videos", false);
    auto options = importOptions(dir / "videos", dir / "cache");
    QCOMPARE(vds::importVideoFolder(options).encoded, int64_t{3});
    const auto before = entryTimes(dir / "cache");
    QCOMPARE(before.size(), size_t{3});

    const auto again = vds::importVideoFolder(options);
    QCOMPARE(again.encoded, int64_t{0});
    QCOMPARE(again.reused, int64_t{3});
    QVERIFY(entryTimes(dir / "cache") == before);  // not one entry rewritten

    // Touching a file without changing it keeps its entry (the key is the content).
    fs::last_write_time(dir / "videos" / "clip_a.mp4", fs::file_time_type::clock::now());
    QCOMPARE(vds::importVideoFolder(options).reused, int64_t{3});

    // New settings make new entries; the old ones stay until pruned.
    options.frames = 3;
    const auto changed = vds::importVideoFolder(options);
    QCOMPARE(changed.encoded, int64_t{3});
    QCOMPARE(entryTimes(dir / "cache").size(), size_t{6});
    QCOMPARE(vds::VideoFolderDataset(dir / "cache").get(0).video.size(0), int64_t{3});
    options.frames = kFrames;
    QCOMPARE(vds::importVideoFolder(options).reused, int64_t{3});
    options.prune = true;
    const auto pruned = vds::importVideoFolder(options);
    QCOMPARE(pruned.pruned, int64_t{3});
    QVERIFY(entryTimes(dir / "cache") == before);

    // Changed content makes a new entry for that file only.
    vds::encodeVideo(dir / "videos" / "clip_b.gif", shapesClip(9, 24, 6));
    const auto edited = vds::importVideoFolder(options);
    QCOMPARE(edited.encoded, int64_t{1});
    QCOMPARE(edited.reused, int64_t{2});
  }

  void existingEntriesSurviveAFailingImport() {
    vds::test::TempDir dir;
    writeVideoFolder(dir / "videos", false);
    const auto options = importOptions(dir / "videos", dir / "cache");
    vds::importVideoFolder(options);
    const auto before = entryTimes(dir / "cache");

    // Bad files arrive next to the good ones.
    writeVideoFolder(dir / "more", true);
    for (const char* bad : {"empty.mp4", "broken.mp4", "truncated.mp4", "notes.txt"})
      fs::copy_file(dir / "more" / bad, dir / "videos" / bad);
    fs::copy_file(dir / "more" / "captions.csv", dir / "videos" / "captions.csv", fs::copy_options::overwrite_existing);
    const auto report = vds::importVideoFolder(options);
    QCOMPARE(report.reused, int64_t{3});
    QCOMPARE(report.encoded, int64_t{0});
    QCOMPARE(report.skipped.size(), size_t{4});
    QVERIFY(entryTimes(dir / "cache") == before);
    QCOMPARE(vds::VideoFolderDataset(dir / "cache").size(), int64_t{3});

    // A cancelled import changes nothing either.
    std::atomic<bool> cancel{true};
    auto cancelled = options;
    cancelled.cancel = &cancel;
    QVERIFY_EXCEPTION_THROWN(vds::importVideoFolder(cancelled), vds::CancelledError);
    QCOMPARE(vds::VideoFolderDataset(dir / "cache").size(), int64_t{3});
  }

  void rotatedPortraitIsCroppedUpright() {
    // A phone's portrait clip: stored landscape (32 wide, 16 high) and tagged to be
    // turned 90 degrees clockwise when shown, so it shows 16 wide and 32 high.
    vds::test::TempDir dir;
    fs::create_directories(dir / "videos");
    auto upright = vds::upscaleNearest(shapesClip(2, 16, kFrames), 2).narrow(2, 8, 16).contiguous();  // 32 high, 16 wide
    upright.narrow(1, 8, 4).narrow(2, 0, 6).select(3, 0).fill_(230);  // a red bar at the top left of the centre square
    upright.narrow(1, 8, 4).narrow(2, 0, 6).narrow(3, 1, 2).fill_(20);
    const auto stored = torch::rot90(upright, 1, {1, 2}).contiguous();  // turned counter-clockwise: 32 wide, 16 high
    vds::VideoEncodeSettings settings;
    settings.crf = 0;
    settings.rotationDegrees = 90;
    vds::encodeVideo(dir / "videos" / "phone.mp4", stored, settings);
    vds::test::writeBytes(dir / "videos" / "captions.csv", "videoid,caption\nphone,a portrait phone clip\n");

    const auto report = vds::importVideoFolder(importOptions(dir / "videos", dir / "cache"));
    QCOMPARE(report.encoded, int64_t{1});
    const vds::VideoFolderDataset data(dir / "cache");
    QCOMPARE(data.entry(0).sourceWidth, int64_t{16});  // the upright size
    QCOMPARE(data.entry(0).sourceHeight, int64_t{32});
    const auto frames = vds::modelRangeToFrames(data.get(0).video);  // [4, 16, 16, 3]
    QCOMPARE(frames.sizes(), (torch::IntArrayRef{kFrames, kSize, kSize, 3}));
    // The centre square of the upright frame: rows 8 to 24, with the red bar at its top left.
    const auto expected = upright.narrow(1, 8, kSize);
    const double psnr = vds::psnrUint8(frames, expected);
    qInfo("rotated import: PSNR %.2f dB against the upright centre square, %.2f dB against the sideways one", psnr,
          vds::psnrUint8(frames, vds::centreCropSquare(stored)));
    QVERIFY2(psnr >= 35.0, qPrintable(QString("PSNR %1 dB against the upright centre square").arg(psnr)));
    QVERIFY(frames[0][1][1][0].item<uint8_t>() > 150 && frames[0][1][1][1].item<uint8_t>() < 80);
    // Not the stored (sideways) frame's centre square.
    QVERIFY(vds::psnrUint8(frames, vds::centreCropSquare(stored)) < 25.0);

    // Entries made by an older decoder are keyed apart: the same file and settings
    // under decoder version 1 (before rotation was applied) had another key, so a cache
    // of sideways frames is never reused; version 1's digest is the digest from before
    // the field existed.
    const auto manifest = vds::ClipCacheManifest::load(dir / "cache");
    QCOMPARE(manifest.settings.decoderVersion, vds::kVideoDecoderVersion);
    QVERIFY(vds::kVideoDecoderVersion >= 2);
    auto old = manifest.settings;
    old.decoderVersion = 1;
    std::ostringstream before;
    before.precision(17);
    before << vds::kClipCacheFormat << ";frames=" << old.frames << ";size=" << old.size << ";fps=" << old.fps
           << ";autoencoder=" << old.autoencoderHash;
    QCOMPARE(old.digest(), vds::hashText(before.str()));
    QVERIFY(old.digest() != manifest.settings.digest());
    const std::string source = manifest.sources.at("phone.mp4").hash;
    QCOMPARE(manifest.clips.at(0).key, vds::hashText(manifest.settings.digest() + ":" + source));
    // An old manifest (no decoder_version) reads as version 1.
    auto json = manifest.toJson();
    json["settings"].erase("decoder_version");
    QCOMPARE(vds::ClipCacheManifest::fromJson(json, "old").settings.decoderVersion, 1);
  }

  void importOptionErrors() {
    vds::test::TempDir dir;
    writeVideoFolder(dir / "videos", false);
    auto options = importOptions(dir / "videos", dir / "cache");
    options.size = 18;
    VDS_EXPECT_THROW_MSG(vds::importVideoFolder(options), vds::ConfigError, "multiple of the autoencoder");
    options = importOptions(dir / "missing", dir / "cache");
    VDS_EXPECT_THROW_MSG(vds::importVideoFolder(options), vds::IoError, "missing");
    fs::remove(dir / "videos" / "captions.csv");
    options = importOptions(dir / "videos", dir / "cache");
    VDS_EXPECT_THROW_MSG(vds::importVideoFolder(options), vds::ConfigError, "no captions file");
    VDS_EXPECT_THROW_MSG(vds::VideoFolderDataset(dir / "nothing"), vds::IoError, "dataset import");
  }

  void heldOutSplitOfALargerImport() {
    vds::test::TempDir dir;
    fs::create_directories(dir / "videos");
    std::string json = "{";
    for (int i = 0; i < 12; ++i) {
      const std::string id = "v" + std::to_string(10 + i);
      vds::encodeVideo(dir / "videos" / (id + ".gif"), shapesClip(i, 16, 2));
      json += std::string(i ? ", " : "") + "\"" + id + "\": \"clip " + std::to_string(i) + "\"";
    }
    vds::test::writeBytes(dir / "videos" / "captions.json", json + "}");
    auto options = importOptions(dir / "videos", dir / "cache");
    options.frames = 2;
    options.fps = 0;
    QCOMPARE(vds::importVideoFolder(options).clips, int64_t{12});
    const vds::VideoFolderDataset train(dir / "cache", vds::Split::train);
    const vds::VideoFolderDataset heldout(dir / "cache", vds::Split::heldout);
    QCOMPARE(train.size(), int64_t{11});
    QCOMPARE(heldout.size(), int64_t{1});
    QCOMPARE(heldout.get(0).caption, std::string("clip 9"));
    for (int64_t i = 0; i < train.size(); ++i) QVERIFY(train.get(i).caption != "clip 9");
  }

  void runConfigUsesTheImportedClips() {
    vds::test::TempDir dir;
    writeVideoFolder(dir / "videos", false);
    vds::importVideoFolder(importOptions(dir / "videos", dir / "cache"));
    auto config = [&](const std::string& data) {
      return vds::parseRunConfig("method: {name: motion}\ndata: {" + data + "}\n", "run.yaml");
    };
    const auto method = vds::createMethod("motion");
    const auto good = config("source: video_folder, path: '" + (dir / "cache").string() + "', frames: 4, size: 16");
    const auto train = method->makeDataset(good, vds::Split::train);
    QCOMPARE(train->size(), int64_t{3});
    QVERIFY(dynamic_cast<const vds::VideoFolderDataset*>(train.get()) != nullptr);
    vds::LoaderOptions loader;
    loader.batchSize = 2;
    vds::DataLoader batches(train, loader);
    const auto batch = batches.next();
    QCOMPARE(batch.video.sizes(), (torch::IntArrayRef{2, kFrames, 3, kSize, kSize}));
    QCOMPARE(batch.captions.size(), size_t{2});

    VDS_EXPECT_THROW_MSG(method->makeDataset(config("source: video_folder"), vds::Split::train), vds::ConfigError,
                         "data.path: required");
    VDS_EXPECT_THROW_MSG(
        method->makeDataset(config("source: video_folder, path: '" + (dir / "cache").string() + "', frames: 8, size: 16"),
                            vds::Split::train),
        vds::ConfigError, "data.frames is 8");
    VDS_EXPECT_THROW_MSG(method->makeDataset(config("source: video_folder, path: '" + (dir / "videos").string() +
                                                    "', frames: 4, size: 16"),
                                             vds::Split::train),
                         vds::ConfigError, "dataset import");
    // Shapes stays the default.
    QVERIFY(dynamic_cast<const vds::ShapesDataset*>(method->makeDataset(config("frames: 2, size: 8"), vds::Split::train).get()) !=
            nullptr);
  }

  // Test data for the CLI tests of tests/CMakeLists.txt: a folder of videos to import,
  // a contact sheet, a frames folder, and a run folder with sample sheets.
  void writeCliFixture() {
    const char* target = std::getenv("VDS_CLI_FIXTURE_DIR");
    if (target == nullptr) QSKIP("VDS_CLI_FIXTURE_DIR is not set");
    const fs::path root(target);
    fs::remove_all(root);
    writeVideoFolder(root / "videos", true);
    const auto a = shapesClip(0, 16, 4), b = shapesClip(1, 16, 4);
    vds::writePng(root / "sheet.png", vds::contactSheet({a, b}, 2, 2));
    fs::create_directories(root / "frames");
    for (int64_t f = 0; f < a.size(0); ++f) vds::writePng(root / "frames" / ("f" + std::to_string(f) + ".png"), a[f]);
    fs::create_directories(root / "run" / "samples" / "step-000002");
    fs::create_directories(root / "run" / "samples" / "step-000004");
    for (const char* label : {"student", "teacher"})
      vds::writePng(root / "run" / "samples" / "step-000004" / (std::string(label) + ".png"), vds::contactSheet({a, b}, 2, 2));
    vds::writePng(root / "run" / "samples" / "step-000002" / "student.png", vds::contactSheet({a}, 2, 2));
  }
};

QTEST_GUILESS_MAIN(DataVideoFolderTest)
#include "test_data_video_folder.moc"
