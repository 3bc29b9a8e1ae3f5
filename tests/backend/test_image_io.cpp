// PNG read/write and contact sheets.
#include "core/errors.h"
#include "core/rng.h"
#include "io/image_io.h"
#include "support/test_support.h"

namespace {

torch::Tensor randomImage(int64_t h, int64_t w, int64_t c, uint64_t seed) {
  torch::Generator gen = vds::makeGenerator(seed);
  return torch::randint(0, 256, {h, w, c}, gen, torch::kUInt8);
}

}  // namespace

class ImageIoTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void pngRoundTripIsLossless() {
    vds::test::TempDir dir;
    for (int64_t c : {1, 3, 4}) {
      const auto image = randomImage(13, 21, c, static_cast<uint64_t>(c));
      const auto path = dir / ("image" + std::to_string(c) + ".png");
      vds::writePng(path, image);
      const auto back = vds::readPng(path);
      QCOMPARE(back.sizes(), image.sizes());
      QVERIFY(torch::equal(back, image));
    }
    // A non-contiguous view is written as what it shows.
    const auto wide = randomImage(8, 16, 3, 9);
    const auto view = wide.narrow(1, 4, 8);
    vds::writePng(dir / "view.png", view);
    QVERIFY(torch::equal(vds::readPng(dir / "view.png"), view));
  }

  void corruptPngNamesTheFile() {
    vds::test::TempDir dir;
    vds::test::writeBytes(dir / "noise.png", "definitely not a png");
    VDS_EXPECT_THROW_MSG(vds::readPng(dir / "noise.png"), vds::FormatError, "noise.png");

    vds::writePng(dir / "good.png", randomImage(32, 32, 3, 1));
    const std::string bytes = vds::test::readBytes(dir / "good.png");
    vds::test::writeBytes(dir / "truncated.png", bytes.substr(0, bytes.size() / 2));
    VDS_EXPECT_THROW_MSG(vds::readPng(dir / "truncated.png"), vds::FormatError, "truncated.png");

    std::string flipped = bytes;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5A);
    flipped[flipped.size() / 2 + 1] = static_cast<char>(flipped[flipped.size() / 2 + 1] ^ 0x5A);
    vds::test::writeBytes(dir / "flipped.png", flipped);
    VDS_EXPECT_THROW_MSG(vds::readPng(dir / "flipped.png"), vds::FormatError, "flipped.png");

    VDS_EXPECT_THROW_MSG(vds::readPng(dir / "missing.png"), vds::IoError, "missing.png");
  }

  void writeErrorsNameThePath() {
    vds::test::TempDir dir;
    VDS_EXPECT_THROW_MSG(vds::writePng(dir / "no" / "such" / "dir.png", randomImage(4, 4, 3, 0)), vds::IoError,
                         "dir.png");
    VDS_EXPECT_THROW_MSG(vds::writePng(dir / "float.png", torch::zeros({4, 4, 3})), vds::DataError, "float.png");
  }

  void contactSheetLayout() {
    constexpr int kScale = 2, kPad = 1;
    const auto a = randomImage(3 * 4, 5, 3, 1).view({3, 4, 5, 3});
    const auto b = randomImage(2 * 4, 5, 3, 2).view({2, 4, 5, 3});  // a shorter clip
    const auto sheet = vds::contactSheet({a, b}, kScale, kPad);
    // Rows: 2 * (4 * 2) + 3 padding; columns: 3 frames * (5 * 2) + 4 padding.
    QCOMPARE(sheet.sizes(), (torch::IntArrayRef{19, 34, 3}));
    const std::vector<torch::Tensor> clips = {a, b};
    for (int64_t r = 0; r < 2; ++r) {
      for (int64_t f = 0; f < 3; ++f) {
        for (int64_t y = 0; y < 4 * kScale; ++y) {
          for (int64_t x = 0; x < 5 * kScale; ++x) {
            const int64_t top = kPad + r * (4 * kScale + kPad), left = kPad + f * (5 * kScale + kPad);
            const auto got = sheet[top + y][left + x];
            if (f < clips[r].size(0))
              QVERIFY(torch::equal(got, clips[r][f][y / kScale][x / kScale]));
            else
              QVERIFY((got == vds::kContactSheetPadValue).all().item<bool>());
          }
        }
      }
    }
    // The padding rows and columns are the pad grey.
    QVERIFY((sheet[0] == vds::kContactSheetPadValue).all().item<bool>());
    QVERIFY((sheet.select(1, 11) == vds::kContactSheetPadValue).all().item<bool>());
    QVERIFY((sheet[9] == vds::kContactSheetPadValue).all().item<bool>());
    VDS_EXPECT_THROW_MSG(vds::contactSheet({a, torch::zeros({2, 3, 5, 3}, torch::kUInt8)}, 1, 0), vds::DataError,
                         "clip 1");
  }

  void splitContactSheetInvertsContactSheet() {
    const auto a = randomImage(3 * 4, 5, 3, 11).view({3, 4, 5, 3});
    const auto b = randomImage(2 * 4, 5, 3, 12).view({2, 4, 5, 3});  // shorter: its row ends early
    const auto clips = vds::splitContactSheet(vds::contactSheet({a, b}, 2, 2), "sheet.png");
    QCOMPARE(clips.size(), size_t{2});
    QCOMPARE(clips[0].sizes(), (torch::IntArrayRef{3, 8, 10, 3}));
    QVERIFY(torch::equal(clips[0], a.repeat_interleave(2, 1).repeat_interleave(2, 2)));
    QVERIFY(torch::equal(clips[1], b.repeat_interleave(2, 1).repeat_interleave(2, 2)));
    const auto blank = torch::full({6, 6, 3}, vds::kContactSheetPadValue, torch::kUInt8);
    VDS_EXPECT_THROW_MSG(vds::splitContactSheet(blank, "blank.png"), vds::FormatError, "blank.png");
  }
};

QTEST_GUILESS_MAIN(ImageIoTest)
#include "test_image_io.moc"
