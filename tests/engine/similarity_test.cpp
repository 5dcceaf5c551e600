#include "engine/similarity.hpp"

#include <gtest/gtest.h>

namespace petitiond {
namespace {

TEST(SimilarityTest, ComparesChineseSubjectsByBigrams) {
  EXPECT_DOUBLE_EQ(Similarity("戶口名簿遺失", "戶口名簿遺失"), 1.0);
  EXPECT_GT(Similarity("戶口名簿遺失補發", "戶口名簿遺失了"), 0.5);
  EXPECT_LT(Similarity("戶口名簿遺失", "門牌整編進度"), 0.1);
  EXPECT_EQ(Similarity("", "x"), 0.0);
}

}  // namespace
}  // namespace petitiond
