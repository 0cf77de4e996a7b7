;; The two passes of the fused GroupNorm kernels (group-norm.ts) in WebAssembly SIMD, run on
;; tfjs-backend-wasm's own heap (the memory is imported), so tensors are read and written in place.
;; A sample is a row-major [positions, channels] float32 block; channels % 4 == 0. Pointers are
;; byte offsets. ~10x the same loops in JS, which convert every float32 load and store.
;; SiLU a σ(a) follows GroupNorm everywhere in the prior's networks, so it is fused here too, with
;; σ(a) = 1/(1 + e^−a) from a Cephes-style exp: e^x = 2^n p(r), n = round(x log2 e), r = x − n ln 2
;; (ln 2 split in two), p of degree 7; relative error ~2e-7 on the clamped range |x| ≤ 87.
;; Assemble with `npx tsx tools/build-wasm.ts` (writes group-norm-wasm.ts).
(module
  (import "env" "memory" (memory 1))

  ;; sumA[c] = Σ_p a[p, c], sumAB[c] = Σ_p a[p, c] b[p, c] (float64 sums, stored over sumA/sumAB)
  (func (export "channelSums")
    (param $a i32) (param $b i32) (param $positions i32) (param $channels i32)
    (param $sumA i32) (param $sumAB i32)
    (local $stride i32) (local $c i32) (local $p i32) (local $pa i32) (local $pb i32)
    (local $va v128) (local $vab v128)
    (local $sa0 v128) (local $sa1 v128) (local $sab0 v128) (local $sab1 v128)
    (local.set $stride (i32.shl (local.get $channels) (i32.const 2)))
    (block $channelsDone
      (loop $nextChannels
        (br_if $channelsDone (i32.ge_u (local.get $c) (local.get $channels)))
        (local.set $sa0 (v128.const i64x2 0 0))
        (local.set $sa1 (v128.const i64x2 0 0))
        (local.set $sab0 (v128.const i64x2 0 0))
        (local.set $sab1 (v128.const i64x2 0 0))
        (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $p (local.get $positions))
        (block $positionsDone
          (loop $nextPosition
            (br_if $positionsDone (i32.eqz (local.get $p)))
            (local.set $va (v128.load (local.get $pa)))
            (local.set $vab (f32x4.mul (local.get $va) (v128.load (local.get $pb))))
            (local.set $sa0 (f64x2.add (local.get $sa0) (f64x2.promote_low_f32x4 (local.get $va))))
            (local.set $sa1 (f64x2.add (local.get $sa1) (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))))
            (local.set $sab0 (f64x2.add (local.get $sab0) (f64x2.promote_low_f32x4 (local.get $vab))))
            (local.set $sab1 (f64x2.add (local.get $sab1) (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vab) (local.get $vab)))))
            (local.set $pa (i32.add (local.get $pa) (local.get $stride)))
            (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $nextPosition)))
        (v128.store (i32.add (local.get $sumA) (i32.shl (local.get $c) (i32.const 3))) (local.get $sa0))
        (v128.store offset=16 (i32.add (local.get $sumA) (i32.shl (local.get $c) (i32.const 3))) (local.get $sa1))
        (v128.store (i32.add (local.get $sumAB) (i32.shl (local.get $c) (i32.const 3))) (local.get $sab0))
        (v128.store offset=16 (i32.add (local.get $sumAB) (i32.shl (local.get $c) (i32.const 3))) (local.get $sab1))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $nextChannels))))

  ;; out[p, c] = s[c] a[p, c] + t[c] b[p, c] + u[c]   (s, t, u: float32 per channel)
  (func (export "affine2")
    (param $a i32) (param $b i32) (param $out i32) (param $positions i32) (param $channels i32)
    (param $s i32) (param $t i32) (param $u i32)
    (local $stride i32) (local $c i32) (local $p i32) (local $k i32)
    (local.set $stride (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $p (local.get $positions))
    (block $positionsDone
      (loop $nextPosition
        (br_if $positionsDone (i32.eqz (local.get $p)))
        (local.set $c (i32.const 0))
        (block $channelsDone
          (loop $nextChannels
            (br_if $channelsDone (i32.ge_u (local.get $c) (local.get $stride)))
            (v128.store (i32.add (local.get $out) (i32.add (local.get $k) (local.get $c)))
              (f32x4.add
                (f32x4.add
                  (f32x4.mul (v128.load (i32.add (local.get $s) (local.get $c)))
                             (v128.load (i32.add (local.get $a) (i32.add (local.get $k) (local.get $c)))))
                  (f32x4.mul (v128.load (i32.add (local.get $t) (local.get $c)))
                             (v128.load (i32.add (local.get $b) (i32.add (local.get $k) (local.get $c))))))
                (v128.load (i32.add (local.get $u) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $nextChannels)))
        (local.set $k (i32.add (local.get $k) (local.get $stride)))
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (br $nextPosition))))
;; e^x for |x| ≤ 87 (inputs are clamped there: σ is then 0 or 1 to float32 precision anyway)
  (func $exp (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -87 -87 -87 -87)) (v128.const f32x4 87 87 87 87)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x)
      (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
      (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    ;; p(r) = 1 + r + r² (c2 + r (c3 + r (c4 + r (c5 + r (c6 + r c7)))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r))
      (v128.const f32x4 1 1 1 1)))
    ;; × 2^n: n + 127 into the exponent bits
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  (func $sigmoid (param $a v128) (result v128)
    (f32x4.div (v128.const f32x4 1 1 1 1)
      (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp (f32x4.neg (local.get $a))))))

  ;; out[p, c] = silu(s[c] x[p, c] + u[c]),  silu(a) = a σ(a)
  (func (export "siluAffine")
    (param $x i32) (param $out i32) (param $positions i32) (param $channels i32) (param $s i32) (param $u i32)
    (local $stride i32) (local $c i32) (local $p i32) (local $k i32) (local $a v128)
    (local.set $stride (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $p (local.get $positions))
    (block $positionsDone
      (loop $nextPosition
        (br_if $positionsDone (i32.eqz (local.get $p)))
        (local.set $c (i32.const 0))
        (block $channelsDone
          (loop $nextChannels
            (br_if $channelsDone (i32.ge_u (local.get $c) (local.get $stride)))
            (local.set $a (f32x4.add
              (f32x4.mul (v128.load (i32.add (local.get $s) (local.get $c)))
                         (v128.load (i32.add (local.get $x) (i32.add (local.get $k) (local.get $c)))))
              (v128.load (i32.add (local.get $u) (local.get $c)))))
            (v128.store (i32.add (local.get $out) (i32.add (local.get $k) (local.get $c)))
              (f32x4.mul (local.get $a) (call $sigmoid (local.get $a))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $nextChannels)))
        (local.set $k (i32.add (local.get $k) (local.get $stride)))
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (br $nextPosition))))

  ;; g[p, c] = dy[p, c] silu'(a), a = s[c] x[p, c] + u[c],  silu'(a) = σ(a) (1 + a (1 − σ(a)))
  (func (export "siluGrad")
    (param $dy i32) (param $x i32) (param $g i32) (param $positions i32) (param $channels i32) (param $s i32) (param $u i32)
    (local $stride i32) (local $c i32) (local $p i32) (local $k i32) (local $a v128) (local $sg v128)
    (local.set $stride (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $p (local.get $positions))
    (block $positionsDone
      (loop $nextPosition
        (br_if $positionsDone (i32.eqz (local.get $p)))
        (local.set $c (i32.const 0))
        (block $channelsDone
          (loop $nextChannels
            (br_if $channelsDone (i32.ge_u (local.get $c) (local.get $stride)))
            (local.set $a (f32x4.add
              (f32x4.mul (v128.load (i32.add (local.get $s) (local.get $c)))
                         (v128.load (i32.add (local.get $x) (i32.add (local.get $k) (local.get $c)))))
              (v128.load (i32.add (local.get $u) (local.get $c)))))
            (local.set $sg (call $sigmoid (local.get $a)))
            (v128.store (i32.add (local.get $g) (i32.add (local.get $k) (local.get $c)))
              (f32x4.mul (v128.load (i32.add (local.get $dy) (i32.add (local.get $k) (local.get $c))))
                (f32x4.mul (local.get $sg)
                  (f32x4.add (v128.const f32x4 1 1 1 1)
                    (f32x4.mul (local.get $a) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $sg)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $nextChannels)))
        (local.set $k (i32.add (local.get $k) (local.get $stride)))
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (br $nextPosition))))
)
