#include "gateway/common/order_cursor.hpp"

#include <gtest/gtest.h>

namespace pay::gateway {
namespace {

TEST(order_cursor, what_is_handed_out_reads_back_the_same) {
  order_cursor c{1764633600123456, "po_a.b:c"};
  auto back = decode_cursor(encode_cursor(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->updated_us, c.updated_us);
  EXPECT_EQ(back->id, c.id);
}

TEST(order_cursor, anything_else_is_refused) {
  for (const char* text :
       {"", ".", "123", "123.", ".po_1", "12a.po_1", "-1.po_1",
        "1234567890123456789.po_1", "1.po/1", "1.po 1"})
    EXPECT_FALSE(decode_cursor(text)) << text;
}

}  // namespace
}  // namespace pay::gateway
