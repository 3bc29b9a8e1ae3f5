// safetensors: round trips, a hand-built file with known bytes, and strict rejection
// of every kind of corrupt file (always vds::FormatError naming the file and tensor).
#include <cstring>

#include "core/errors.h"
#include "core/rng.h"
#include "core/torch_compat.h"
#include "io/safetensors.h"
#include "support/test_support.h"

namespace st = vds::safetensors;

namespace {

const std::string kSource = "corrupt.safetensors";

// Same dtype, same shape and the same bytes in memory: stricter than torch::equal (NaN, -0.0).
bool sameBits(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  const torch::Tensor ca = a.resolve_conj().contiguous(), cb = b.resolve_conj().contiguous();
  const size_t nbytes = static_cast<size_t>(ca.numel()) * ca.element_size();
  return nbytes == 0 || std::memcmp(ca.data_ptr(), cb.data_ptr(), nbytes) == 0;
}

std::string u64le(uint64_t v) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}

// A file from a header text and data bytes, exactly as given (no padding, no checks).
std::string rawFile(const std::string& header, const std::string& data) { return u64le(header.size()) + header + data; }

std::string bytesOf(std::initializer_list<unsigned char> bytes) { return std::string(bytes.begin(), bytes.end()); }

QByteArray qbytes(const std::string& s) { return QByteArray(s.data(), static_cast<int>(s.size())); }

// One tensor per dtype this LibTorch has, with distinctive values.
std::map<std::string, torch::Tensor> everyDtype() {
  auto gen = vds::makeGenerator(7);
  const auto normal = torch::randn({3, 4}, gen, torch::TensorOptions().dtype(torch::kDouble));
  std::map<std::string, torch::Tensor> t;
  t["bool"] = torch::arange(12).reshape({3, 4}).remainder(3).eq(0);
  t["u8"] = torch::arange(250, 262).remainder(256).to(torch::kByte).reshape({3, 4});
  t["i8"] = torch::arange(-128, 127, 23).to(torch::kChar);
  t["i16"] = torch::tensor({-32768, -1, 0, 32767}).to(torch::kShort);
  t["i32"] = torch::tensor({INT32_MIN, -7, 0, INT32_MAX}).to(torch::kInt);
  t["i64"] = torch::tensor({INT64_MIN, int64_t(-3), int64_t(0x0102030405060708), INT64_MAX});
  t["f16"] = (normal * 100).to(torch::kHalf);
  t["bf16"] = (normal * 1e20).to(torch::kBFloat16);
  t["f32"] = torch::tensor({0.0f, -0.0f, std::numeric_limits<float>::infinity(), std::nanf(""), 1e-45f});
  t["f64"] = normal;
  t["c64"] = torch::complex(normal.to(torch::kFloat), -normal.to(torch::kFloat).flip(0));
#if VDS_TORCH_HAS_UINT_WIDE
  t["u16"] = torch::tensor({int64_t(0), int64_t(1), int64_t(65535)}).to(c10::ScalarType::UInt16);
  t["u32"] = torch::tensor({int64_t(0), int64_t(7), int64_t(4294967295LL)}).to(c10::ScalarType::UInt32);
  t["u64"] = torch::tensor({int64_t(0), int64_t(9), INT64_MAX}).to(c10::ScalarType::UInt64);
#endif
#if VDS_TORCH_HAS_FLOAT8
  t["f8e4m3"] = normal.to(c10::ScalarType::Float8_e4m3fn);
  t["f8e5m2"] = normal.to(c10::ScalarType::Float8_e5m2);
#endif
  t["scalar"] = torch::tensor(3.25);
  t["empty"] = torch::zeros({0, 3});
  t["transposed"] = normal.t();                                // non-contiguous
  t["sliced"] = normal.index({torch::indexing::Slice(1, 3)});  // storage offset
  return t;
}

}  // namespace

class SafetensorsTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundTripEveryDtypeBitForBit() {
    const auto tensors = everyDtype();
    const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"note", "ünïcode ✓"}};
    const std::string bytes = st::saveToBytes(tensors, metadata);

    std::map<std::string, std::string> readMetadata;
    const auto loaded = st::loadFromBytes(bytes, "roundtrip", &readMetadata);
    QVERIFY(readMetadata == metadata);
    QCOMPARE(loaded.size(), tensors.size());
    for (const auto& [name, tensor] : tensors) {
      QVERIFY2(loaded.count(name) == 1, name.c_str());
      QVERIFY2(sameBits(loaded.at(name), tensor), name.c_str());
      QVERIFY2(loaded.at(name).is_contiguous(), name.c_str());
    }
    QCOMPARE(loaded.at("scalar").dim(), int64_t(0));

    // Header padded so that the data starts 8-byte aligned; names laid out in sorted order.
    const st::Header header = st::parseHeader(bytes, "roundtrip");
    QCOMPARE(header.dataOffset % 8, uint64_t(0));
    for (size_t i = 1; i < header.tensors.size(); ++i) {
      QVERIFY(header.tensors[i - 1].name < header.tensors[i].name);
      QCOMPARE(header.tensors[i].begin, header.tensors[i - 1].end);
    }
  }

  void lazyConjugateIsMaterialised() {
    const auto z = torch::complex(torch::tensor({1.0f, 2.0f}), torch::tensor({3.0f, -4.0f}));
    const auto loaded = st::loadFromBytes(st::saveToBytes({{"z", z.conj()}}), "conj");
    QVERIFY(torch::equal(torch::imag(loaded.at("z")), torch::tensor({-3.0f, 4.0f})));
  }

  void loadedTensorsOwnTheirMemory() {
    auto bytes = st::saveToBytes({{"x", torch::tensor({1.0f, 2.0f})}});
    const auto loaded = st::loadFromBytes(bytes, "own");
    std::fill(bytes.begin(), bytes.end(), '\0');
    QVERIFY(torch::equal(loaded.at("x"), torch::tensor({1.0f, 2.0f})));
  }

  void handBuiltFileDecodesToKnownValues() {
    // Written by hand, not by saveToBytes, so that a bug shared by writer and reader shows.
    const std::string header = R"({"f":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("i":{"dtype":"I64","shape":[],"data_offsets":[8,16]},)"
                               R"("h":{"dtype":"BF16","shape":[1,2],"data_offsets":[16,20]},)"
                               R"("b":{"dtype":"BOOL","shape":[3],"data_offsets":[20,23]},)"
                               R"("__metadata__":{"who":"hand"}})";
    const std::string data = bytesOf({0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0,  // 1.0f, -2.5f
                                      0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  // 0x0102030405060708
                                      0x80, 0x3F, 0x00, 0xC0,                          // bf16 1.0, -2.0
                                      0x01, 0x00, 0x01});                              // true, false, true
    std::map<std::string, std::string> metadata;
    const auto t = st::loadFromBytes(rawFile(header, data), "hand", &metadata);
    QCOMPARE(metadata.at("who"), std::string("hand"));
    QVERIFY(torch::equal(t.at("f"), torch::tensor({1.0f, -2.5f})));
    QCOMPARE(t.at("i").dim(), int64_t(0));
    QCOMPARE(t.at("i").item<int64_t>(), int64_t(0x0102030405060708));
    QCOMPARE(t.at("h").scalar_type(), torch::kBFloat16);
    QVERIFY(torch::equal(t.at("h").to(torch::kFloat), torch::tensor({{1.0f, -2.0f}})));
    QVERIFY(torch::equal(t.at("b"), torch::tensor({true, false, true})));
  }

  void writerProducesKnownBytes() {
    const std::string header = R"({"x":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}})";
    const std::string padded = header + std::string((8 - header.size() % 8) % 8, ' ');
    const std::string expected =
        u64le(padded.size()) + padded + bytesOf({0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0});
    QCOMPARE(qbytes(st::saveToBytes({{"x", torch::tensor({1.0f, -2.5f})}})), qbytes(expected));
  }

  void fileRoundTripIsAtomicAndNamesMissingFile() {
    vds::test::TempDir dir;
    st::save(dir / "w.safetensors", {{"a", torch::arange(5)}}, {{"k", "v"}});
    std::map<std::string, std::string> metadata;
    const auto t = st::load(dir / "w.safetensors", &metadata);
    QVERIFY(torch::equal(t.at("a"), torch::arange(5)));
    QCOMPARE(metadata.at("k"), std::string("v"));
    QCOMPARE(std::distance(std::filesystem::directory_iterator(dir.path()), {}), std::ptrdiff_t(1));
    VDS_EXPECT_THROW_MSG(st::load(dir / "absent.safetensors"), vds::IoError, "absent.safetensors");
    // A corrupt file on disk is reported under its path.
    vds::test::writeBytes(dir / "bad.safetensors", "1234");
    VDS_EXPECT_THROW_MSG(st::load(dir / "bad.safetensors"), vds::FormatError,
                         (dir / "bad.safetensors").string().c_str());
  }

  void unsupportedDtypesAreRejectedWhenSaving() {
    VDS_EXPECT_THROW_MSG(st::saveToBytes({{"cd", torch::zeros({2}, torch::kComplexDouble)}}), vds::FormatError, "cd");
    VDS_EXPECT_THROW_MSG(st::saveToBytes({{"__metadata__", torch::zeros({1})}}), vds::FormatError, "__metadata__");
  }

  void corruptFilesAreRejected_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("tensor");  // empty where no single tensor is at fault
    QTest::addColumn<QString>("detail");

    const std::string f32x2 = R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
    const std::string eight(8, '\0');
    auto row = [](const char* tag, const std::string& bytes, const char* tensor, const char* detail) {
      QTest::newRow(tag) << qbytes(bytes) << QString(tensor) << QString(detail);
    };
    row("zero-length", "", "", "shorter than");
    row("truncated prefix", std::string("\x10\0\0\0\0", 5), "", "shorter than");
    row("huge header length", u64le(uint64_t(1) << 62) + "{}", "", "exceeds the limit");
    row("header beyond file", u64le(1000) + R"({"a":1})", "", "exceeds the 7 bytes");
    row("bad json", rawFile(R"({"a": {"dtype": )", ""), "", "not valid JSON");
    row("invalid utf-8", rawFile("{\"\xff\":{}}", ""), "", "not valid JSON");
    row("not an object", rawFile("[1,2]", ""), "", "not a JSON object");
    row("entry not object", rawFile(R"({"a":[1]})", ""), "a", "not a JSON object");
    row("missing dtype", rawFile(R"({"a":{"shape":[2],"data_offsets":[0,8]}})", eight), "a", "missing 'dtype'");
    row("missing shape", rawFile(R"({"a":{"dtype":"F32","data_offsets":[0,8]}})", eight), "a", "missing 'shape'");
    row("missing offsets", rawFile(R"({"a":{"dtype":"F32","shape":[2]}})", eight), "a", "missing 'data_offsets'");
    row("extra key", rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}})", eight), "a", "'x'");
    row("dtype not string", rawFile(R"({"a":{"dtype":4,"shape":[2],"data_offsets":[0,8]}})", eight), "a", "dtype");
    row("shape not array", rawFile(R"({"a":{"dtype":"F32","shape":2,"data_offsets":[0,8]}})", eight), "a", "shape");
    row("negative dim", rawFile(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight), "a", "-2");
    row("fractional dim", rawFile(R"({"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})", eight), "a", "shape");
    row("overflowing shape",
        rawFile(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}})", ""), "a",
        "too large");
    row("one offset", rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8]}})", eight), "a", "data_offsets");
    row("negative offset", rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}})", eight), "a",
        "data_offsets");
    row("unknown dtype", rawFile(R"({"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}})", eight), "a",
        "unknown dtype 'F33'");
#if !VDS_TORCH_HAS_FLOAT8
    row("dtype missing in this libtorch",
        rawFile(R"({"a":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}})", eight), "a",
        "'F8_E4M3' is not supported");
#endif
    row("begin after end", rawFile(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", eight), "a",
        "begin 8 > end 0");
    row("out of bounds", rawFile(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", eight), "a",
        "beyond the data buffer");
    row("size mismatch", rawFile(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight), "a",
        "needs 12 bytes but data_offsets span 8");
    row("overlap",
        rawFile(R"({"a":)" + f32x2 + R"(,"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                std::string(12, '\0')),
        "b", "overlap tensor 'a'");
    row("hole",
        rawFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                std::string(12, '\0')),
        "b", "unused");
    row("leading hole", rawFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", eight), "a", "unused");
    row("trailing bytes", rawFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", eight), "",
        "belong to no tensor");
    row("duplicate name", rawFile(R"({"a":)" + f32x2 + R"(,"a":)" + f32x2 + "}", eight), "",
        "duplicate tensor name 'a'");
    row("duplicate field", rawFile(R"({"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}})", eight),
        "", "duplicate key 'dtype'");
    row("metadata not strings", rawFile(R"({"__metadata__":{"k":1}})", ""), "", "'k' is not a string");
    row("bool not 0/1", rawFile(R"({"a":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}})", bytesOf({1, 2})), "a",
        "BOOL");
  }

  void corruptFilesAreRejected() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, tensor);
    QFETCH(QString, detail);
    const std::string file(bytes.constData(), static_cast<size_t>(bytes.size()));
    try {
      st::loadFromBytes(file, kSource);
      QFAIL("expected vds::FormatError");
    } catch (const vds::FormatError& e) {
      const QString message = QString::fromStdString(e.what());
      QVERIFY2(message.contains(QString::fromStdString(kSource)), qPrintable(message));
      if (!tensor.isEmpty()) QVERIFY2(message.contains("tensor '" + tensor + "'"), qPrintable(message));
      QVERIFY2(message.contains(detail), qPrintable(message + " lacks " + detail));
    }
  }

  void zeroSizeTensorsAndEmptyFilesAreValid() {
    const std::string header = R"({"e":{"dtype":"F32","shape":[0,5],"data_offsets":[0,0]}})";
    const auto t = st::loadFromBytes(rawFile(header, ""), "empty");
    QVERIFY(t.at("e").sizes().vec() == std::vector<int64_t>({0, 5}));
    QVERIFY(st::loadFromBytes(rawFile("{}", ""), "none").empty());
  }

  void damagedFilesOnlyEverThrowFormatError() {
    const std::string valid = st::saveToBytes({{"w", torch::randn({4, 3})},
                                               {"i", torch::arange(6)},
                                               {"h", torch::ones({5}, torch::kBFloat16)},
                                               {"m", torch::tensor({true, false})},
                                               {"z", torch::zeros({0})}},
                                              {{"step", "12"}});

    // Any truncation removes bytes a tensor needs, so every one must be rejected.
    for (size_t length = 0; length < valid.size(); ++length) {
      VDS_EXPECT_THROW_MSG(st::loadFromBytes(valid.substr(0, length), "cut"), vds::FormatError, "cut");
    }

    vds::Rng rng(2024);
    const uint64_t headerEnd = st::parseHeader(valid, "valid").dataOffset;
    constexpr int kIterations = 400;
    int rejected = 0, accepted = 0;
    for (int i = 0; i < kIterations; ++i) {
      std::string damaged = valid;
      const int flips = 1 + static_cast<int>(rng.below(3));
      for (int f = 0; f < flips; ++f) {
        // Mostly damage the header (prefix + JSON), where validation lives; data damage is usually legal.
        const uint64_t span = rng.uniform() < 0.8 ? headerEnd : damaged.size();
        damaged[rng.below(span)] ^= static_cast<char>(1u << rng.below(8));
      }
      if (rng.below(4) == 0) damaged.resize(rng.below(damaged.size() + 1));
      try {
        st::loadFromBytes(damaged, "fuzz");
        ++accepted;
      } catch (const vds::FormatError& e) {
        QVERIFY2(std::string(e.what()).find("fuzz") != std::string::npos, e.what());
        ++rejected;
      } catch (const std::exception& e) {
        QFAIL(qPrintable(QString("iteration %1 threw a non-FormatError: %2").arg(i).arg(e.what())));
      }
    }
    QVERIFY(rejected > kIterations / 2);
    QVERIFY(accepted > 0);
  }
};

QTEST_GUILESS_MAIN(SafetensorsTest)
#include "test_io_safetensors.moc"
