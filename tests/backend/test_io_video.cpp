// Video encode/decode through FFmpeg's libraries: round trips, sizes, resampling,
// display-matrix rotation, bad and truncated files, cancellation and atomic output.
#include <atomic>
#include <cmath>
#include <functional>
#include <map>

#include "core/errors.h"
#include "core/rng.h"
#include "data/shapes_world.h"
#include "io/image_io.h"
#include "io/video_decoder.h"
#include "io/video_encoder.h"
#include "io/video_frames.h"
#include "support/shapes_clip.h"
#include "support/test_support.h"

namespace fs = std::filesystem;

namespace {

// A Shapes clip (uint8 [F, H, W, 3]).
torch::Tensor shapesClip(int64_t index, int size = 32, int frames = 8) {
  return vds::test::shapesClip(index, size, frames, 7);
}

// Frames whose pixels come from a fixed set of `colours` colours: palette-friendly.
torch::Tensor paletteFrames(int64_t frames, int64_t h, int64_t w, int64_t colours, uint64_t seed) {
  torch::Generator gen = vds::makeGenerator(seed);
  const auto palette = torch::randint(0, 256, {colours, 3}, gen, torch::kUInt8);
  const auto indices = torch::randint(0, colours, {frames, h, w}, gen, torch::kLong);
  return palette.index({indices}).contiguous();
}

// Frame i is one flat colour that encodes i (i % 16 in red, i / 16 in green, in steps
// wide enough to survive lossy coding), so a decoded frame tells which source frame it was.
constexpr int64_t kRedStep = 16, kGreenStep = 12, kMaxNumbered = 16 * 20;
torch::Tensor numberedFrames(int64_t frames, int64_t h, int64_t w) {
  if (frames > kMaxNumbered) throw std::logic_error("numberedFrames: too many frames");
  auto out = torch::full({frames, h, w, 3}, 128, torch::kUInt8);
  for (int64_t i = 0; i < frames; ++i) {
    out[i].select(2, 0).fill_(i % 16 * kRedStep);
    out[i].select(2, 1).fill_(i / 16 * kGreenStep);
  }
  return out;
}

int64_t frameNumber(const torch::Tensor& frame) {
  const torch::Tensor mean = frame.to(torch::kDouble).mean(std::vector<int64_t>{0, 1});
  const int64_t red = std::lround(mean[0].item<double>() / kRedStep);
  const int64_t green = std::lround(mean[1].item<double>() / kGreenStep);
  return green * 16 + red;
}

// A 4-frame clip 16 wide and 8 high made of 2x2 blocks (so 4:2:0 chroma keeps its
// colours): a grey ramp that changes with the frame, and a red 4x4 marker in the
// top-left corner, so any turn or mirror of it is a different picture.
torch::Tensor markedClip() {
  auto small = torch::empty({4, 4, 8, 3}, torch::kUInt8);
  for (int64_t f = 0; f < 4; ++f)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t x = 0; x < 8; ++x) small[f][y][x].fill_(40 + 20 * x + 10 * y + 5 * f);
  small.narrow(1, 0, 2).narrow(2, 0, 2).select(3, 0).fill_(220);
  small.narrow(1, 0, 2).narrow(2, 0, 2).narrow(3, 1, 2).fill_(30);
  return vds::upscaleNearest(small, 2);
}

// The corner of a frame [H, W, 3] whose 4x4 block is the reddest.
std::string markerCorner(const torch::Tensor& frame) {
  const int64_t h = frame.size(0), w = frame.size(1);
  std::string best;
  double bestRedness = -1e9;
  for (const bool top : {true, false}) {
    for (const bool left : {true, false}) {
      const torch::Tensor block = frame.narrow(0, top ? 0 : h - 4, 4).narrow(1, left ? 0 : w - 4, 4).to(torch::kDouble);
      const double redness = (block.select(2, 0) - block.select(2, 1)).mean().item<double>();
      if (redness > bestRedness) {
        bestRedness = redness;
        best = std::string(top ? "top" : "bottom") + "-" + (left ? "left" : "right");
      }
    }
  }
  return best;
}

// The frames [F, H, W, 3] as a display matrix [a b; c d] shows them, straight from its
// definition (ISO/IEC 14496-12, as libavutil/display.h states it): the point (p, q) of
// the stored frame, y pointing down, is shown at (a p + c q, b p + d q), and the picture
// is the bounding box of the moved frame. Entries are 0 or +-1.
torch::Tensor applyDisplayMatrix(const torch::Tensor& frames, int a, int b, int c, int d) {
  const int64_t h = frames.size(1), w = frames.size(2);
  const int64_t outW = std::abs(a) * w + std::abs(c) * h, outH = std::abs(b) * w + std::abs(d) * h;
  const double minP = std::min(0, a) * static_cast<double>(w) + std::min(0, c) * static_cast<double>(h);
  const double minQ = std::min(0, b) * static_cast<double>(w) + std::min(0, d) * static_cast<double>(h);
  auto out = torch::zeros({frames.size(0), outH, outW, 3}, torch::kUInt8);
  for (int64_t y = 0; y < h; ++y) {
    for (int64_t x = 0; x < w; ++x) {
      const double p = static_cast<double>(x) + 0.5, q = static_cast<double>(y) + 0.5;  // pixel centres
      const auto outX = std::llround(a * p + c * q - minP - 0.5), outY = std::llround(b * p + d * q - minQ - 0.5);
      out.select(1, outY).select(1, outX).copy_(frames.select(1, y).select(1, x));
    }
  }
  return out;
}

// Overwrites the display matrix of an MP4's only track header ('tkhd', ISO/IEC
// 14496-12 8.3.2) with [a b 0; c d 0; 0 0 1]: big-endian, 16.16 fixed point but the
// last column, which is 2.30.
void setTrackMatrix(const fs::path& file, int a, int b, int c, int d) {
  std::string bytes = vds::test::readBytes(file);
  const size_t type = bytes.find("tkhd");
  if (type == std::string::npos || bytes.find("tkhd", type + 1) != std::string::npos)
    throw std::logic_error("setTrackMatrix: not one tkhd box");
  const bool version1 = bytes[type + 4] == 1;
  // type, version and flags, times, track id, reserved, duration, reserved, layer, group, volume
  size_t at = type + 4 + 4 + (version1 ? 32 : 20) + 8 + 8;
  constexpr int32_t kOne = 1 << 16;
  const int32_t values[9] = {a * kOne, b * kOne, 0, c * kOne, d * kOne, 0, 0, 0, 1 << 30};
  for (const int32_t value : values) {
    const auto u = static_cast<uint32_t>(value);
    for (int shift = 24; shift >= 0; shift -= 8) bytes[at++] = static_cast<char>((u >> shift) & 0xFF);
  }
  vds::test::writeBytes(file, bytes);
}

// Byte ranges [begin, end) of a file's last frame, found by walking its structure.
using ByteRange = std::pair<size_t, size_t>;

uint64_t bigEndian(const std::string& bytes, size_t at, int count) {
  uint64_t v = 0;
  for (int i = 0; i < count; ++i) v = (v << 8) | static_cast<unsigned char>(bytes.at(at + static_cast<size_t>(i)));
  return v;
}

// An EBML variable-length integer at `at`: its value and length. IDs keep the length
// marker bits, sizes drop them.
std::pair<uint64_t, size_t> ebmlVint(const std::string& bytes, size_t at, bool keepMarker) {
  const auto first = static_cast<unsigned char>(bytes.at(at));
  size_t length = 1;
  while ((first & (0x80 >> (length - 1))) == 0) ++length;
  uint64_t v = keepMarker ? first : (first & (0xFFu >> length));
  for (size_t i = 1; i < length; ++i) v = (v << 8) | static_cast<unsigned char>(bytes.at(at + i));
  return {v, length};
}

// WebM: the last SimpleBlock or BlockGroup of the last Cluster, its header included.
ByteRange lastMatroskaBlock(const std::string& bytes) {
  constexpr uint64_t kSegment = 0x18538067, kCluster = 0x1F43B675, kSimpleBlock = 0xA3, kBlockGroup = 0xA0;
  ByteRange last{0, 0};
  // Walks the children of [begin, end), descending into the Segment and its Clusters.
  std::function<void(size_t, size_t)> walk = [&](size_t begin, size_t end) {
    size_t at = begin;
    while (at < end) {
      const auto [id, idLength] = ebmlVint(bytes, at, true);
      const auto [size, sizeLength] = ebmlVint(bytes, at + idLength, false);
      const size_t data = at + idLength + sizeLength, next = data + static_cast<size_t>(size);
      if (id == kSegment || id == kCluster) walk(data, std::min(next, bytes.size()));
      if (id == kSimpleBlock || id == kBlockGroup) last = {at, next};
      at = next;
    }
  };
  walk(0, bytes.size());
  if (last.second == 0 || last.second > bytes.size()) throw std::logic_error("lastMatroskaBlock: no block");
  return last;
}

// MP4 written with +faststart: the media data box is last, so the last sample ('stsz')
// ends the file.
ByteRange lastMp4Sample(const std::string& bytes) {
  const size_t stsz = bytes.find("stsz");
  const size_t mdat = bytes.find("mdat");
  if (stsz == std::string::npos || mdat == std::string::npos || bigEndian(bytes, mdat - 4, 4) + mdat - 4 != bytes.size())
    throw std::logic_error("lastMp4Sample: not a faststart MP4 ending in its mdat box");
  // version and flags, a common sample size (0: each listed), the count, the sizes
  if (bigEndian(bytes, stsz + 8, 4) != 0) throw std::logic_error("lastMp4Sample: samples of one size");
  const uint64_t count = bigEndian(bytes, stsz + 12, 4);
  const uint64_t lastSize = bigEndian(bytes, stsz + 16 + 4 * (static_cast<size_t>(count) - 1), 4);
  return {bytes.size() - static_cast<size_t>(lastSize), bytes.size()};
}

// GIF: the last image, from its graphic control extension to the end of its data.
ByteRange lastGifImage(const std::string& bytes) {
  size_t at = 13;  // header and logical screen descriptor
  const auto flags = static_cast<unsigned char>(bytes.at(10));
  if ((flags & 0x80) != 0) at += 3u << ((flags & 7) + 1);  // global colour table
  auto skipSubBlocks = [&](size_t p) {
    while (bytes.at(p) != 0) p += 1 + static_cast<unsigned char>(bytes.at(p));
    return p + 1;
  };
  ByteRange last{0, 0};
  size_t frameStart = 0;
  while (at < bytes.size() && bytes.at(at) != 0x3B) {
    if (bytes.at(at) == 0x21) {  // extension: introducer, label, sub-blocks
      if (static_cast<unsigned char>(bytes.at(at + 1)) == 0xF9) frameStart = at;
      at = skipSubBlocks(at + 2);
    } else if (bytes.at(at) == 0x2C) {  // image descriptor, local colour table, LZW size, data
      const size_t begin = frameStart != 0 ? frameStart : at;
      const auto local = static_cast<unsigned char>(bytes.at(at + 9));
      at += 10;
      if ((local & 0x80) != 0) at += 3u << ((local & 7) + 1);
      at = skipSubBlocks(at + 1);
      last = {begin, at};
      frameStart = 0;
    } else {
      throw std::logic_error("lastGifImage: unexpected block");
    }
  }
  if (last.second == 0) throw std::logic_error("lastGifImage: no image");
  return last;
}

std::vector<std::string> listDir(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

class IoVideoTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void encodersArePresent() {
    // Debian's FFmpeg has all three; a missing one would be a clear IoError at encode time.
    QVERIFY(vds::hasEncoderFor(vds::VideoFormat::mp4));
    QVERIFY(vds::hasEncoderFor(vds::VideoFormat::webm));
    QVERIFY(vds::hasEncoderFor(vds::VideoFormat::gif));
    QCOMPARE(std::string(vds::encoderNameFor(vds::VideoFormat::mp4)), std::string("libx264"));
    QCOMPARE(std::string(vds::encoderNameFor(vds::VideoFormat::webm)), std::string("libvpx-vp9"));
  }

  void formatFollowsTheExtension() {
    QCOMPARE(vds::videoFormatFromPath("a/b.MP4"), vds::VideoFormat::mp4);
    QCOMPARE(vds::videoFormatFromPath("b.webm"), vds::VideoFormat::webm);
    QCOMPARE(vds::videoFormatFromPath("b.gif"), vds::VideoFormat::gif);
    QCOMPARE(vds::videoFormatFromPath("b.png"), vds::VideoFormat::png);
    QCOMPARE(vds::videoFormatFromPath("frames/"), vds::VideoFormat::png);
    QCOMPARE(vds::videoFormatFromPath("frames"), vds::VideoFormat::png);
    VDS_EXPECT_THROW_MSG(vds::videoFormatFromPath("clip.avi"), vds::ConfigError, "clip.avi");
    VDS_EXPECT_THROW_MSG(vds::parseVideoFormat("mov"), vds::ConfigError, "mp4, webm, gif, png");
    QCOMPARE(vds::pngFramePath("out/clip.png", 3, 10).string(), std::string("out/clip_0003.png"));
    QCOMPARE(vds::pngFramePath("out", 12, 20000).string(), std::string("out/frame_00012.png"));
  }

  void mp4RoundTripOnShapesReachesHighPsnr() {
    vds::test::TempDir dir;
    const auto clip = shapesClip(3);
    vds::VideoEncodeSettings settings;
    settings.scale = 4;
    settings.crf = 12;
    const auto report = vds::encodeVideo(dir / "shapes.mp4", clip, settings);
    QCOMPARE(report.frames, int64_t{8});
    QCOMPARE(report.width, int64_t{128});
    QVERIFY(report.bytes > 0);
    const auto decoded = vds::decodeVideo(dir / "shapes.mp4");
    QCOMPARE(decoded.frames.sizes(), (torch::IntArrayRef{8, 128, 128, 3}));
    QCOMPARE(decoded.fps, vds::kDefaultVideoFps);
    const double psnr = vds::psnrUint8(decoded.frames, vds::upscaleNearest(clip, 4));
    qInfo("H.264 crf 12, Shapes x4 (128x128, 8 frames): PSNR %.2f dB, %llu bytes", psnr,
          static_cast<unsigned long long>(report.bytes));
    QVERIFY2(psnr >= 35.0, qPrintable(QString("PSNR %1 dB").arg(psnr)));
    // The default quality (crf 18) is still well above the bar.
    vds::VideoEncodeSettings defaults;
    defaults.scale = 4;
    vds::encodeVideo(dir / "default.mp4", clip, defaults);
    const double psnrDefault = vds::psnrUint8(vds::decodeVideo(dir / "default.mp4").frames, vds::upscaleNearest(clip, 4));
    qInfo("H.264 crf 18 (default): PSNR %.2f dB", psnrDefault);
    QVERIFY(psnrDefault >= 35.0);
  }

  void webmRoundTripKeepsOddSizes() {
    vds::test::TempDir dir;
    const auto clip = shapesClip(5);
    vds::VideoEncodeSettings settings;
    settings.scale = 4;
    settings.crf = 10;
    vds::encodeVideo(dir / "shapes.webm", vds::clipToFrames(clip, "clip"), settings);
    const auto decoded = vds::decodeVideo(dir / "shapes.webm");
    QCOMPARE(decoded.frames.sizes(), (torch::IntArrayRef{8, 128, 128, 3}));
    const double psnr = vds::psnrUint8(decoded.frames, vds::upscaleNearest(clip, 4));
    qInfo("VP9 crf 10, Shapes x4 (128x128, 8 frames): PSNR %.2f dB", psnr);
    QVERIFY2(psnr >= 35.0, qPrintable(QString("PSNR %1 dB").arg(psnr)));

    const auto odd = paletteFrames(3, 17, 33, 6, 1);
    const auto report = vds::encodeVideo(dir / "odd.webm", odd);
    QVERIFY(!report.padded);
    QCOMPARE(vds::decodeVideo(dir / "odd.webm").frames.sizes(), (torch::IntArrayRef{3, 17, 33, 3}));
  }

  void gifAndPngAreLosslessOnPaletteFrames() {
    vds::test::TempDir dir;
    const auto frames = paletteFrames(5, 12, 20, 40, 3);
    const auto gif = vds::encodeVideo(dir / "clip.gif", frames);
    QVERIFY(gif.exactPalette);
    const auto gifBack = vds::decodeVideo(dir / "clip.gif");
    QCOMPARE(gifBack.frames.sizes(), frames.sizes());
    QVERIFY(torch::equal(gifBack.frames, frames));

    const auto png = vds::encodeVideo(dir / "frames", frames);
    QCOMPARE(png.frames, int64_t{5});
    QCOMPARE(listDir(dir / "frames").size(), size_t{5});
    for (int64_t f = 0; f < 5; ++f) QVERIFY(torch::equal(vds::readPng(vds::pngFramePath(dir / "frames", f, 5)), frames[f]));
    vds::encodeVideo(dir / "seq" / "clip.png", frames);
    QVERIFY(torch::equal(vds::readPng(dir / "seq" / "clip_0004.png"), frames[4]));

    // Shapes frames in the plain style are palette-friendly too.
    const auto shapes = shapesClip(1);
    const auto report = vds::encodeVideo(dir / "shapes.gif", shapes);
    if (report.exactPalette) QVERIFY(torch::equal(vds::decodeVideo(dir / "shapes.gif").frames, shapes));

    // Too many colours: a median-cut palette, close but not exact.
    torch::Generator gen = vds::makeGenerator(4);
    const auto noisy = torch::randint(0, 256, {2, 24, 24, 3}, gen, torch::kUInt8);
    const auto lossy = vds::encodeVideo(dir / "noisy.gif", noisy);
    QVERIFY(!lossy.exactPalette);
    const auto noisyBack = vds::decodeVideo(dir / "noisy.gif").frames;
    QCOMPARE(noisyBack.sizes(), noisy.sizes());
    QVERIFY(vds::psnrUint8(noisyBack, noisy) > 15.0);
  }

  void floatAndListInputsEncodeTheSameFrames() {
    vds::test::TempDir dir;
    const auto frames = paletteFrames(3, 8, 8, 4, 9);
    const auto modelRange = vds::framesToModelRange(frames);  // float [F,3,H,W] in [-1,1]
    vds::encodeVideo(dir / "float.gif", modelRange);
    QVERIFY(torch::equal(vds::decodeVideo(dir / "float.gif").frames, frames));
    vds::encodeVideo(dir / "list.gif", std::vector<torch::Tensor>{frames[0], frames[1], frames[2]});
    QVERIFY(torch::equal(vds::decodeVideo(dir / "list.gif").frames, frames));
    vds::encodeVideo(dir / "chw.gif", frames.permute({0, 3, 1, 2}));
    QVERIFY(torch::equal(vds::decodeVideo(dir / "chw.gif").frames, frames));
    VDS_EXPECT_THROW_MSG(vds::encodeVideo(dir / "bad.gif", torch::zeros({3, 8, 8})), vds::DataError, "bad.gif");
    VDS_EXPECT_THROW_MSG(vds::encodeVideo(dir / "bad.gif", std::vector<torch::Tensor>{frames[0], frames[0].narrow(0, 0, 4)}),
                         vds::DataError, "frame 1");
  }

  void oddPortraitShortAndLongClips() {
    vds::test::TempDir dir;
    // Odd size: MP4 pads by edge replication to even.
    const auto odd = paletteFrames(2, 17, 33, 5, 2);
    const auto report = vds::encodeVideo(dir / "odd.mp4", odd);
    QVERIFY(report.padded);
    QCOMPARE(report.width, int64_t{34});
    QCOMPARE(report.height, int64_t{18});
    const auto back = vds::decodeVideo(dir / "odd.mp4").frames;
    QCOMPARE(back.sizes(), (torch::IntArrayRef{2, 18, 34, 3}));
    const auto padded = vds::padToEven(odd);
    QVERIFY(torch::equal(padded.narrow(1, 0, 17).narrow(2, 0, 33), odd));
    QVERIFY(torch::equal(padded.select(2, 33).narrow(1, 0, 17), odd.select(2, 32)));  // repeated last column
    QVERIFY(torch::equal(padded.select(1, 17).narrow(1, 0, 33), odd.select(1, 16)));  // repeated last row
    // GIF and PNG keep odd sizes exactly.
    vds::encodeVideo(dir / "odd.gif", odd);
    QVERIFY(torch::equal(vds::decodeVideo(dir / "odd.gif").frames, odd));

    // Portrait.
    const auto portrait = vds::upscaleNearest(shapesClip(2, 16, 4), 2).narrow(2, 0, 20).contiguous();  // 32 high, 20 wide
    vds::encodeVideo(dir / "portrait.mp4", portrait);
    QCOMPARE(vds::decodeVideo(dir / "portrait.mp4").frames.sizes(), (torch::IntArrayRef{4, 32, 20, 3}));
    vds::encodeVideo(dir / "portrait.webm", portrait);
    QCOMPARE(vds::decodeVideo(dir / "portrait.webm").frames.sizes(), (torch::IntArrayRef{4, 32, 20, 3}));

    // One frame.
    const auto single = paletteFrames(1, 16, 16, 3, 5);
    for (const char* name : {"one.mp4", "one.webm", "one.gif"}) {
      vds::encodeVideo(dir / name, single);
      const auto decoded = vds::decodeVideo(dir / name);
      QCOMPARE(decoded.frames.size(0), int64_t{1});
      QCOMPARE(decoded.frames.size(1), int64_t{16});
    }

    // Long: 300 small frames.
    const auto numbered = numberedFrames(300, 8, 8);
    vds::VideoEncodeSettings fast;
    fast.fps = 30;
    fast.x264Preset = "ultrafast";
    vds::encodeVideo(dir / "long.mp4", numbered, fast);
    const auto longBack = vds::decodeVideo(dir / "long.mp4");
    QCOMPARE(longBack.frames.size(0), int64_t{300});
    QCOMPARE(longBack.fps, 30.0);
    for (int64_t i : {0, 1, 150, 299}) QCOMPARE(frameNumber(longBack.frames[i]), i);
    // 300 flat colours are more than a GIF palette holds: close, not exact.
    QVERIFY(!vds::encodeVideo(dir / "long.gif", numbered, fast).exactPalette);
    const auto longGif = vds::decodeVideo(dir / "long.gif").frames;
    QCOMPARE(longGif.size(0), int64_t{300});
    QVERIFY(vds::psnrUint8(longGif, numbered) > 30.0);
  }

  void decoderResamplesAndCrops() {
    vds::test::TempDir dir;
    // 20 frames at 10 fps (GIF delays are exact at 1/100 s).
    vds::VideoEncodeSettings settings;
    settings.fps = 10;
    vds::encodeVideo(dir / "numbered.gif", numberedFrames(20, 8, 12), settings);
    const auto info = vds::probeVideo(dir / "numbered.gif");
    QCOMPARE(info.width, int64_t{12});
    QCOMPARE(info.height, int64_t{8});
    QCOMPARE(info.codec, std::string("gif"));

    vds::VideoDecodeOptions half;
    half.fps = 5;
    half.frames = 4;
    const auto slow = vds::decodeVideo(dir / "numbered.gif", half);
    QCOMPARE(slow.frames.size(0), int64_t{4});
    for (int64_t k = 0; k < 4; ++k) QCOMPARE(frameNumber(slow.frames[k]), 2 * k);
    QCOMPARE(slow.heldFrames, int64_t{0});

    vds::VideoDecodeOptions everything;
    everything.fps = 5;
    QCOMPARE(vds::decodeVideo(dir / "numbered.gif", everything).frames.size(0), int64_t{10});

    vds::VideoDecodeOptions doubled;
    doubled.fps = 20;
    doubled.frames = 6;
    const auto fast = vds::decodeVideo(dir / "numbered.gif", doubled);
    const std::vector<int64_t> expected = {0, 0, 1, 1, 2, 2};
    for (int64_t k = 0; k < 6; ++k) QCOMPARE(frameNumber(fast.frames[k]), expected[static_cast<size_t>(k)]);

    vds::VideoDecodeOptions tooMany;
    tooMany.frames = 25;
    const auto held = vds::decodeVideo(dir / "numbered.gif", tooMany);
    QCOMPARE(held.frames.size(0), int64_t{25});
    QCOMPARE(held.heldFrames, int64_t{5});
    QCOMPARE(held.sourceFrames, int64_t{20});
    QCOMPARE(frameNumber(held.frames[24]), int64_t{19});

    // Centre crop: a 12x8 frame whose middle 8x8 is white and whose sides are black.
    auto framed = torch::zeros({2, 8, 12, 3}, torch::kUInt8);
    framed.narrow(2, 2, 8).fill_(255);
    vds::encodeVideo(dir / "framed.gif", framed);
    vds::VideoDecodeOptions crop;
    crop.size = 4;
    const auto cropped = vds::decodeVideo(dir / "framed.gif", crop).frames;
    QCOMPARE(cropped.sizes(), (torch::IntArrayRef{2, 4, 4, 3}));
    QVERIFY((cropped == 255).all().item<bool>());
    crop.size = 16;  // growing works too
    QCOMPARE(vds::decodeVideo(dir / "framed.gif", crop).frames.sizes(), (torch::IntArrayRef{2, 16, 16, 3}));
  }

  void encoderScalesBySettings() {
    vds::test::TempDir dir;
    const auto frames = paletteFrames(2, 6, 10, 3, 6);
    vds::VideoEncodeSettings up;
    up.scale = 3;
    vds::encodeVideo(dir / "up.gif", frames, up);
    QVERIFY(torch::equal(vds::decodeVideo(dir / "up.gif").frames, vds::upscaleNearest(frames, 3)));
    vds::VideoEncodeSettings sized;
    sized.width = 5;  // height follows the aspect ratio: 3
    const auto report = vds::encodeVideo(dir / "small.png", frames, sized);
    QCOMPARE(report.width, int64_t{5});
    QCOMPARE(report.height, int64_t{3});
    QCOMPARE(vds::readPng(dir / "small_0000.png").sizes(), (torch::IntArrayRef{3, 5, 3}));

    vds::VideoEncodeSettings both;
    both.scale = 2;
    both.width = 10;
    VDS_EXPECT_THROW_MSG(vds::encodeVideo(dir / "x.gif", frames, both), vds::ConfigError, "exclude");
    vds::VideoEncodeSettings badFps;
    badFps.fps = 0;
    VDS_EXPECT_THROW_MSG(vds::encodeVideo(dir / "x.gif", frames, badFps), vds::ConfigError, "fps");
    vds::VideoEncodeSettings badCrf;
    badCrf.crf = 60;
    VDS_EXPECT_THROW_MSG(vds::encodeVideo(dir / "x.mp4", frames, badCrf), vds::ConfigError, "crf 60");
    QVERIFY(!fs::exists(dir / "x.gif"));
  }

  void badFilesAreErrorsNamingTheFile() {
    vds::test::TempDir dir;
    vds::encodeVideo(dir / "good.mp4", shapesClip(0, 32, 8));
    const std::string bytes = vds::test::readBytes(dir / "good.mp4");

    vds::test::writeBytes(dir / "empty.mp4", "");
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "empty.mp4"), vds::IoError, "empty.mp4");
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "missing.mp4"), vds::IoError, "missing.mp4");

    std::string noise(4096, '\0');
    torch::Generator gen = vds::makeGenerator(11);
    const auto random = torch::randint(0, 256, {4096}, gen, torch::kUInt8);
    for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>(random[static_cast<int64_t>(i)].item<uint8_t>());
    vds::test::writeBytes(dir / "noise.mp4", noise);
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "noise.mp4"), vds::Error, "noise.mp4");

    vds::test::writeBytes(dir / "truncated.mp4", bytes.substr(0, bytes.size() / 2));
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "truncated.mp4"), vds::FormatError, "truncated.mp4");
    vds::test::writeBytes(dir / "late_cut.mp4", bytes.substr(0, bytes.size() * 9 / 10));
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "late_cut.mp4"), vds::FormatError, "late_cut.mp4");
    // WebM declares no frame count; its duration gives a cut file away.
    vds::encodeVideo(dir / "good.webm", shapesClip(0, 32, 8));
    const std::string webm = vds::test::readBytes(dir / "good.webm");
    vds::test::writeBytes(dir / "cut.webm", webm.substr(0, webm.size() * 9 / 10));
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "cut.webm"), vds::FormatError, "cut.webm': truncated");
    vds::encodeVideo(dir / "good.gif", shapesClip(0, 32, 8));
    const std::string gif = vds::test::readBytes(dir / "good.gif");
    vds::test::writeBytes(dir / "cut.gif", gif.substr(0, gif.size() * 7 / 10));
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "cut.gif"), vds::FormatError, "cut.gif': truncated");

    // The header survives but the frame data is overwritten: decoding must not pass silently.
    std::string scrambled = bytes;
    for (size_t i = bytes.size() / 2; i < bytes.size(); ++i) scrambled[i] = static_cast<char>(scrambled[i] ^ 0x5A);
    vds::test::writeBytes(dir / "scrambled.mp4", scrambled);
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "scrambled.mp4"), vds::Error, "scrambled.mp4");

    const std::string text = "videoid,caption\n1,a red circle moving left\n";
    vds::test::writeBytes(dir / "notes.txt", text);
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "notes.txt"), vds::Error, "notes.txt");
    vds::test::writeBytes(dir / "text.mp4", text);
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "text.mp4"), vds::Error, "text.mp4");

    // A PNG is an image, not a stream with frames to spare, but FFmpeg reads it as a one-frame video.
    vds::writePng(dir / "still.png", paletteFrames(1, 4, 4, 2, 1)[0]);
    QCOMPARE(vds::decodeVideo(dir / "still.png").frames.size(0), int64_t{1});

    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir.path()), vds::IoError, "directory");
  }

  void cancellationLeavesNoFile() {
    vds::test::TempDir dir;
    const auto frames = paletteFrames(10, 8, 8, 3, 8);
    for (const char* name : {"cancel.mp4", "cancel.gif", "cancel.webm"}) {
      vds::VideoEncodeSettings settings;
      std::vector<int64_t> seen;
      settings.progress = [&seen](int64_t done, int64_t total) {
        seen.push_back(done);
        return !(done == 3 && total == 10);
      };
      VDS_EXPECT_THROW_MSG(vds::encodeVideo(dir / name, frames, settings), vds::CancelledError, "cancelled");
      QCOMPARE(seen.back(), int64_t{3});
    }
    vds::VideoEncodeSettings flagged;
    std::atomic<bool> cancel{true};
    flagged.cancel = &cancel;
    VDS_EXPECT_THROW_MSG(vds::encodeVideo(dir / "flag.mp4", frames, flagged), vds::CancelledError, "cancelled");
    int64_t pngFrames = 0;
    flagged.cancel = nullptr;
    flagged.progress = [&pngFrames](int64_t done, int64_t) {
      pngFrames = done;
      return done < 4;
    };
    QVERIFY_EXCEPTION_THROWN(vds::encodeVideo(dir / "pngs", frames, flagged), vds::CancelledError);
    QCOMPARE(pngFrames, int64_t{4});
    QVERIFY(listDir(dir / "pngs").empty());  // frames written before the cancel are removed
    fs::remove(dir / "pngs");
    QVERIFY2(listDir(dir.path()).empty(), "no partial or temporary file is left behind");

    // A completed encode replaces an existing file atomically and reports progress to the end.
    vds::test::writeBytes(dir / "done.gif", "old");
    int64_t last = 0;
    vds::VideoEncodeSettings progress;
    progress.progress = [&last](int64_t done, int64_t) {
      last = done;
      return true;
    };
    vds::encodeVideo(dir / "done.gif", frames, progress);
    QCOMPARE(last, int64_t{10});
    QCOMPARE(listDir(dir.path()), std::vector<std::string>{"done.gif"});
    QVERIFY(torch::equal(vds::decodeVideo(dir / "done.gif").frames, frames));
  }

  void displayMatrixRotationIsApplied() {
    vds::test::TempDir dir;
    const auto clip = markedClip();  // 16 wide, 8 high, marker top-left
    // The matrix FFmpeg's av_display_rotation_set(m, theta) writes for a clockwise turn
    // by theta: a = cos, b = sin, c = -sin, d = cos (libavutil 57 writes b = 1, c = -1 for
    // 90, and av_display_rotation_get reads it back as -90: counter-clockwise degrees).
    // FFmpeg's autorotate turns such a stream by theta clockwise, transpose=clock for 90.
    const std::map<int, std::string> corner = {
        {0, "top-left"}, {90, "top-right"}, {180, "bottom-right"}, {270, "bottom-left"}};
    for (const int degrees : {0, 90, 180, 270}) {
      const std::string name = "rot" + std::to_string(degrees) + ".mp4";
      vds::VideoEncodeSettings settings;
      settings.crf = 0;
      settings.rotationDegrees = degrees;
      const auto report = vds::encodeVideo(dir / name, clip, settings);
      QCOMPARE(report.width, int64_t{16});  // stored as given
      QCOMPARE(report.height, int64_t{8});

      const bool quarter = degrees % 180 != 0;
      const auto info = vds::probeVideo(dir / name);  // the matrix survived muxing
      QCOMPARE(info.rotationDegrees, degrees);
      QVERIFY(!info.mirrored);
      QCOMPARE(info.width, int64_t{quarter ? 8 : 16});
      QCOMPARE(info.height, int64_t{quarter ? 16 : 8});

      const auto decoded = vds::decodeVideo(dir / name);
      QCOMPARE(decoded.frames.sizes(), (torch::IntArrayRef{4, quarter ? 16 : 8, quarter ? 8 : 16, 3}));
      QCOMPARE(decoded.rotationDegrees, degrees);
      QCOMPARE(decoded.sourceWidth, info.width);
      for (int64_t f = 0; f < 4; ++f) QCOMPARE(markerCorner(decoded.frames[f]), corner.at(degrees));
      // torch::rot90 turns from the first dim towards the second: counter-clockwise on screen.
      const auto upright = torch::rot90(clip, (4 - degrees / 90) % 4, {1, 2}).contiguous();
      const int cosine = degrees == 0 ? 1 : degrees == 180 ? -1 : 0, sine = degrees == 90 ? 1 : degrees == 270 ? -1 : 0;
      QVERIFY(torch::equal(upright, applyDisplayMatrix(clip, cosine, sine, -sine, cosine)));
      QCOMPARE(markerCorner(upright[0]), corner.at(degrees));
      const double psnr = vds::psnrUint8(decoded.frames, upright);
      qInfo("rotation %d: PSNR %.2f dB against the turned source", degrees, psnr);
      QVERIFY2(psnr >= 35.0, qPrintable(QString("PSNR %1 dB").arg(psnr)));

      // The square crop is taken from the upright frame.
      vds::VideoDecodeOptions square;
      square.size = 8;
      const auto cropped = vds::decodeVideo(dir / name, square).frames;
      QVERIFY(vds::psnrUint8(cropped, vds::centreCropSquare(upright)) >= 35.0);
    }

    vds::VideoEncodeSettings odd;
    odd.rotationDegrees = 45;
    VDS_EXPECT_THROW_MSG(vds::encodeVideo(dir / "x.mp4", clip, odd), vds::ConfigError, "rotation 45");
    vds::VideoEncodeSettings webm;
    webm.rotationDegrees = 90;  // FFmpeg 5.1's Matroska muxer drops the matrix
    VDS_EXPECT_THROW_MSG(vds::encodeVideo(dir / "x.webm", clip, webm), vds::ConfigError, "MP4 only");
  }

  void everyDisplayMatrixOrientation() {
    // The eight turns and mirrors a display matrix of 0 and +-1 entries can make, written
    // straight into the track header, against the matrix's own definition.
    vds::test::TempDir dir;
    const auto clip = markedClip();
    vds::VideoEncodeSettings settings;
    settings.crf = 0;
    vds::encodeVideo(dir / "plain.mp4", clip, settings);
    struct Case {
      int a, b, c, d;
      int degrees;  // FFmpeg's clockwise angle: -av_display_rotation_get
    };
    const std::vector<Case> cases = {
        {1, 0, 0, 1, 0},    {0, 1, -1, 0, 90},  {-1, 0, 0, -1, 180}, {0, -1, 1, 0, 270},  // turns
        {1, 0, 0, -1, 0},   {0, 1, 1, 0, 90},   {-1, 0, 0, 1, 180},  {0, -1, -1, 0, 270},  // mirrors
    };
    for (const Case& k : cases) {
      const std::string name = "m" + std::to_string(k.a) + std::to_string(k.b) + std::to_string(k.c) + std::to_string(k.d) + ".mp4";
      fs::copy_file(dir / "plain.mp4", dir / name);
      setTrackMatrix(dir / name, k.a, k.b, k.c, k.d);
      const auto expected = applyDisplayMatrix(clip, k.a, k.b, k.c, k.d);
      const auto decoded = vds::decodeVideo(dir / name);
      QCOMPARE(decoded.frames.sizes(), expected.sizes());
      QCOMPARE(decoded.rotationDegrees, k.degrees);
      QCOMPARE(decoded.mirrored, k.a * k.d - k.b * k.c < 0);
      QCOMPARE(markerCorner(decoded.frames[0]), markerCorner(expected[0]));
      const double psnr = vds::psnrUint8(decoded.frames, expected);
      QVERIFY2(psnr >= 35.0, qPrintable(QString("%1: PSNR %2 dB").arg(QString::fromStdString(name)).arg(psnr)));
    }
  }

  void cutsInsideTheLastFrameAreTruncated() {
    vds::test::TempDir dir;
    const auto clip = shapesClip(0, 32, 8);
    struct Format {
      const char* name;
      std::function<ByteRange(const std::string&)> lastFrame;
    };
    for (const Format& format : {Format{"webm", lastMatroskaBlock}, Format{"mp4", lastMp4Sample}, Format{"gif", lastGifImage}}) {
      const fs::path good = dir / (std::string("good.") + format.name);
      vds::encodeVideo(good, clip);
      QCOMPARE(vds::decodeVideo(good).frames.size(0), int64_t{8});  // whole, it decodes fully
      const std::string bytes = vds::test::readBytes(good);
      const auto [begin, end] = format.lastFrame(bytes);
      QVERIFY(begin + 2 < end && end <= bytes.size());
      for (const size_t cut : {begin + 1, (begin + end) / 2, end - 1}) {
        const std::string cutName = std::string("cut") + std::to_string(cut) + "." + format.name;
        vds::test::writeBytes(dir / cutName, bytes.substr(0, cut));
        VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / cutName), vds::FormatError, (cutName + "': truncated").c_str());
      }
    }

    // WebM that states no segment size (as live recorders write it) is not rejected.
    std::string unknownSize = vds::test::readBytes(dir / "good.webm");
    const size_t segment = unknownSize.find("\x18\x53\x80\x67");
    QVERIFY(segment != std::string::npos);
    QCOMPARE(static_cast<unsigned char>(unknownSize[segment + 4]), static_cast<unsigned char>(0x01));  // an 8-byte size
    unknownSize.replace(segment + 4, 8, std::string("\x01\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 8));
    vds::test::writeBytes(dir / "unknown.webm", unknownSize);
    QCOMPARE(vds::decodeVideo(dir / "unknown.webm").frames.size(0), int64_t{8});
    // Cut after its last frame, in the index that follows it: the header's size tells.
    const std::string webm = vds::test::readBytes(dir / "good.webm");
    vds::test::writeBytes(dir / "no_cues.webm", webm.substr(0, lastMatroskaBlock(webm).second));
    VDS_EXPECT_THROW_MSG(vds::decodeVideo(dir / "no_cues.webm"), vds::FormatError, "no_cues.webm': truncated");
    // Asking for fewer frames than a cut file holds is no error.
    vds::VideoDecodeOptions few;
    few.frames = 4;
    QCOMPARE(vds::decodeVideo(dir / "no_cues.webm", few).frames.size(0), int64_t{4});
  }

  void writeErrorsNameTheFile() {
    vds::test::TempDir dir;
    VDS_EXPECT_THROW_MSG(vds::encodeVideo(dir / "no" / "such" / "dir.mp4", paletteFrames(1, 8, 8, 2, 1)),
                         vds::IoError, "dir.mp4");
  }
};

QTEST_GUILESS_MAIN(IoVideoTest)
#include "test_io_video.moc"
