//! The `.fab` standard library: model files shipped inside fab and imported as `std/…`.

/// Every library file, by its import path.
pub const FILES: &[(&str, &str)] = &[("std/equipment.fab", include_str!("../fab/equipment.fab"))];

/// The text of a library file.
pub fn file(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(name, _)| *name == path).map(|(_, text)| *text)
}
