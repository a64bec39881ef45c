import pytest
from django.core.cache import cache

# The addresses these tests call the API from; their throttle buckets are emptied around each test (the cache may
# be the shared Redis, so only these keys go, never the whole cache). Token buckets are per token: new each test.
TEST_ADDRESSES = ["127.0.0.1", "203.0.113.9", "198.51.100.1"]


@pytest.fixture(autouse=True)
def fresh_throttle_buckets():
    keys = [f"throttle_address_{address}" for address in TEST_ADDRESSES]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)
