//! A stable hash for names that must not change between versions or machines (state folders,
//! shards): Rust's `DefaultHasher` may change with the compiler, so it is not used for them.

/// 64-bit FNV-1a of `bytes` (Fowler–Noll–Vo, the `FNV_offset_basis` and `FNV_prime` of the
/// 64-bit variant).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv1a_matches_the_reference_values() {
        // Reference values of the FNV authors' test suite.
        assert_eq!(super::fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
