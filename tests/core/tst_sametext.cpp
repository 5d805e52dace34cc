// sameText: the word-wise byte equality of the string pool and the JSON key
// match, and StringPool::clear, which loaders use to refill a fragment's pool.

#include "core/sametext.h"
#include "core/stringpool.h"

#include <QtTest>

#include <string>

using namespace causeway;

class TestSameText : public QObject
{
    Q_OBJECT

private slots:
    void everyLengthAndPosition()
    {
        // Lengths around each word size, a difference at every position,
        // and views into the middle of a buffer (no alignment assumed).
        for (size_t n = 0; n <= 40; ++n) {
            std::string buffer(n + 2, 'k');
            for (size_t i = 0; i < buffer.size(); ++i)
                buffer[i] = char('a' + i % 26);
            const std::string_view a(buffer.data() + 1, n);
            const std::string copy(a);
            QVERIFY(sameText(a, copy));
            for (size_t at = 0; at < n; ++at) {
                std::string other = copy;
                other[at] = char(other[at] ^ 0x20);
                QVERIFY2(!sameText(a, other), (std::to_string(n) + " at " + std::to_string(at)).c_str());
            }
            if (n > 0) {
                QVERIFY(!sameText(a, copy.substr(0, n - 1)));
                QVERIFY(!sameText(copy.substr(0, n - 1), a));
            }
        }
        QVERIFY(sameText({}, std::string_view("", 0)));
    }

    void clearedPoolInternsAfresh()
    {
        StringPool pool;
        for (int i = 0; i < 50000; ++i)
            pool.intern("string-" + std::to_string(i));
        pool.intern(std::string(100000, 'x')); // a large string gets a chunk of its own
        pool.clear();
        QCOMPARE(pool.size(), size_t(1));
        QCOMPARE(pool.view(0), std::string_view());
        QCOMPARE(pool.find("string-7"), StringPool::kNotFound);
        QCOMPARE(pool.intern(""), StringId(0));
        QCOMPARE(pool.intern("again"), StringId(1));
        QCOMPARE(pool.intern("string-7"), StringId(2));
        QCOMPARE(pool.intern("again"), StringId(1));
        QCOMPARE(pool.view(2), std::string_view("string-7"));
        for (int i = 0; i < 50000; ++i)
            QCOMPARE(pool.intern("string-" + std::to_string(i)), StringId(i == 7 ? 2 : (i < 7 ? 3 + i : 2 + i)));
    }
};

QTEST_GUILESS_MAIN(TestSameText)
#include "tst_sametext.moc"
