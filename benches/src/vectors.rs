//! The vector search benchmark's data and files: clustered synthetic vectors from a fixed seed,
//! written as raw little-endian `f32` rows so that the Python side (`benches/vector_compare.py`)
//! reads exactly the same vectors, queries and ground truth.

use std::io::Write;
use std::path::Path;

use crate::Result;

/// A small xorshift generator: the same numbers on every machine, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A uniform number in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// A standard normal number (Box-Muller).
    fn normal(&mut self) -> f32 {
        let u = self.unit().max(f32::MIN_POSITIVE);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

/// `n` vectors of `dim` components: `clusters` centres drawn uniformly in [-1, 1), each vector
/// a centre plus Gaussian noise of deviation `spread`. Rows are `n` contiguous `dim`-slices.
pub fn clustered(n: usize, dim: usize, clusters: usize, spread: f32, seed: u64) -> Vec<f32> {
    let mut rng = Rng(seed | 1);
    let centres: Vec<f32> = (0..clusters * dim)
        .map(|_| rng.unit() * 2.0 - 1.0)
        .collect();
    let mut out = Vec::with_capacity(n * dim);
    for _ in 0..n {
        let c = (rng.next() % clusters as u64) as usize;
        let centre = centres.get(c * dim..(c + 1) * dim).unwrap_or(&[]);
        out.extend(centre.iter().map(|x| x + spread * rng.normal()));
    }
    out
}

/// Writes `values` as raw little-endian `f32`s.
pub fn write_f32(path: &Path, values: &[f32]) -> Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    for v in values {
        file.write_all(&v.to_le_bytes())?;
    }
    Ok(file.flush()?)
}

/// Reads raw little-endian `f32`s, as [`write_f32`] writes them.
pub fn read_f32(path: &Path) -> Result<Vec<f32>> {
    read_words(path, "f32", f32::from_le_bytes)
}

/// Reads raw little-endian `u32`s, as [`write_u32`] writes them.
pub fn read_u32(path: &Path) -> Result<Vec<u32>> {
    read_words(path, "u32", u32::from_le_bytes)
}

/// Reads `path` as 4-byte words, each made a `T` by `from_le` (`what` names `T` in the error).
fn read_words<T>(path: &Path, what: &str, from_le: fn([u8; 4]) -> T) -> Result<Vec<T>> {
    let bytes = std::fs::read(path)?;
    if bytes.len() % 4 != 0 {
        return Err(format!("{} is not a whole number of {what}s", path.display()).into());
    }
    let values = bytes
        .chunks_exact(4)
        .map(|b| <[u8; 4]>::try_from(b).map(from_le))
        .collect::<std::result::Result<_, _>>()?;
    Ok(values)
}

/// Writes `values` as raw little-endian `u32`s.
pub fn write_u32(path: &Path, values: &[u32]) -> Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    for v in values {
        file.write_all(&v.to_le_bytes())?;
    }
    Ok(file.flush()?)
}
