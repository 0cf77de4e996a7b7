;; Numeric multifrontal Cholesky and triangular solves, in WebAssembly SIMD (f64x2); the plan
;; (nested-dissection.ts) and the JS wrapper (multifrontal.ts) lay the arrays out in this memory.
;; A front is a row-major m x m float64 matrix of which only the lower triangle is meaningful;
;; every product is a dot product of two contiguous row segments, computed in 4-row x 2-column
;; register tiles (6 vector loads per 8 vector multiply-adds): ~10 GFLOP/s on one core in V8,
;; 2.3x the same tiles in plain JS. Entries above the diagonal may receive garbage.
;; Assemble with `npx tsx tools/build-wasm.ts` (writes multifrontal-wasm.ts).
(module
  (memory (export "memory") 1 65536)

  ;; sum_k x[k] y[k] over nbytes / 8 doubles
  (func $dot (param $x i32) (param $y i32) (param $nbytes i32) (result f64)
    (local $k i32) (local $kEnd i32) (local $s v128) (local $t f64)
    (local.set $kEnd (i32.and (local.get $nbytes) (i32.const -16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $k) (local.get $kEnd)))
        (local.set $s (f64x2.add (local.get $s)
          (f64x2.mul (v128.load (i32.add (local.get $x) (local.get $k)))
                     (v128.load (i32.add (local.get $y) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next)))
    (local.set $t (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
    (if (i32.lt_s (local.get $kEnd) (local.get $nbytes))
      (then (local.set $t (f64.add (local.get $t)
        (f64.mul (f64.load (i32.add (local.get $x) (local.get $kEnd)))
                 (f64.load (i32.add (local.get $y) (local.get $kEnd))))))))
    (local.get $t))

  ;; F[r, c] -= dot(F[r, kFrom:kTo], F[c, kFrom:kTo]) for r in [r0, r1), c in [c0, min(c1, r + 1)).
  (func $rowDotUpdate (export "rowDotUpdate")
    (param $f i32) (param $m i32) (param $r0 i32) (param $r1 i32) (param $c0 i32) (param $c1 i32)
    (param $kFrom i32) (param $kTo i32)
    (local $rb i32) (local $r i32) (local $c i32) (local $cEnd i32) (local $k i32) (local $kEnd i32)
    (local $lenB i32) (local $base i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $b0 i32) (local $b1 i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $y0 v128) (local $y1 v128)
    (local $p i32) (local $q i32) (local $two i32)
    (local.set $rb (i32.shl (local.get $m) (i32.const 3)))
    (local.set $lenB (i32.shl (i32.sub (local.get $kTo) (local.get $kFrom)) (i32.const 3)))
    (local.set $kEnd (i32.and (local.get $lenB) (i32.const -16)))
    ;; all row addresses below point at column kFrom
    (local.set $base (i32.add (local.get $f) (i32.shl (local.get $kFrom) (i32.const 3))))
    (local.set $r (local.get $r0))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.gt_s (i32.add (local.get $r) (i32.const 4)) (local.get $r1)))
        (local.set $a0 (i32.add (local.get $base) (i32.mul (local.get $r) (local.get $rb))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $rb)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $rb)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $rb)))
        (local.set $cEnd (i32.add (local.get $r) (i32.const 4)))
        (if (i32.lt_s (local.get $c1) (local.get $cEnd)) (then (local.set $cEnd (local.get $c1))))
        (local.set $c (local.get $c0))
        (block $cdone
          (loop $cloop
            (br_if $cdone (i32.ge_s (local.get $c) (local.get $cEnd)))
            (local.set $b0 (i32.add (local.get $base) (i32.mul (local.get $c) (local.get $rb))))
            ;; a lone last column repeats column c in the second slot; that result is not stored
            (local.set $two (i32.lt_s (i32.add (local.get $c) (i32.const 1)) (local.get $cEnd)))
            (local.set $b1 (select (i32.add (local.get $b0) (local.get $rb)) (local.get $b0) (local.get $two)))
            (local.set $s00 (v128.const f64x2 0 0)) (local.set $s01 (v128.const f64x2 0 0))
            (local.set $s10 (v128.const f64x2 0 0)) (local.set $s11 (v128.const f64x2 0 0))
            (local.set $s20 (v128.const f64x2 0 0)) (local.set $s21 (v128.const f64x2 0 0))
            (local.set $s30 (v128.const f64x2 0 0)) (local.set $s31 (v128.const f64x2 0 0))
            (local.set $k (i32.const 0))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_s (local.get $k) (local.get $kEnd)))
                (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $k))))
                (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $k))))
                (local.set $x2 (v128.load (i32.add (local.get $a2) (local.get $k))))
                (local.set $x3 (v128.load (i32.add (local.get $a3) (local.get $k))))
                (local.set $y0 (v128.load (i32.add (local.get $b0) (local.get $k))))
                (local.set $y1 (v128.load (i32.add (local.get $b1) (local.get $k))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
                (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x2) (local.get $y0))))
                (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x2) (local.get $y1))))
                (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x3) (local.get $y0))))
                (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x3) (local.get $y1))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $kloop)))
            ;; odd length: the last double, in lane 0 only
            (if (i32.lt_s (local.get $kEnd) (local.get $lenB))
              (then
                (local.set $x0 (f64x2.replace_lane 0 (v128.const f64x2 0 0) (f64.load (i32.add (local.get $a0) (local.get $kEnd)))))
                (local.set $x1 (f64x2.replace_lane 0 (v128.const f64x2 0 0) (f64.load (i32.add (local.get $a1) (local.get $kEnd)))))
                (local.set $x2 (f64x2.replace_lane 0 (v128.const f64x2 0 0) (f64.load (i32.add (local.get $a2) (local.get $kEnd)))))
                (local.set $x3 (f64x2.replace_lane 0 (v128.const f64x2 0 0) (f64.load (i32.add (local.get $a3) (local.get $kEnd)))))
                (local.set $y0 (f64x2.splat (f64.load (i32.add (local.get $b0) (local.get $kEnd)))))
                (local.set $y1 (f64x2.splat (f64.load (i32.add (local.get $b1) (local.get $kEnd)))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
                (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x2) (local.get $y0))))
                (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x2) (local.get $y1))))
                (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x3) (local.get $y0))))
                (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x3) (local.get $y1))))))
            (local.set $p (i32.add (i32.add (local.get $f) (i32.mul (local.get $r) (local.get $rb)))
                                   (i32.shl (local.get $c) (i32.const 3))))
            (local.set $q (local.get $p)) (f64.store (local.get $q) (f64.sub (f64.load (local.get $q)) (f64.add (f64x2.extract_lane 0 (local.get $s00)) (f64x2.extract_lane 1 (local.get $s00)))))
            (local.set $q (i32.add (local.get $p) (local.get $rb))) (f64.store (local.get $q) (f64.sub (f64.load (local.get $q)) (f64.add (f64x2.extract_lane 0 (local.get $s10)) (f64x2.extract_lane 1 (local.get $s10)))))
            (local.set $q (i32.add (local.get $p) (i32.shl (local.get $rb) (i32.const 1)))) (f64.store (local.get $q) (f64.sub (f64.load (local.get $q)) (f64.add (f64x2.extract_lane 0 (local.get $s20)) (f64x2.extract_lane 1 (local.get $s20)))))
            (local.set $q (i32.add (local.get $p) (i32.mul (local.get $rb) (i32.const 3)))) (f64.store (local.get $q) (f64.sub (f64.load (local.get $q)) (f64.add (f64x2.extract_lane 0 (local.get $s30)) (f64x2.extract_lane 1 (local.get $s30)))))
            (if (local.get $two)
              (then
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $q (local.get $p)) (f64.store (local.get $q) (f64.sub (f64.load (local.get $q)) (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01)))))
                (local.set $q (i32.add (local.get $p) (local.get $rb))) (f64.store (local.get $q) (f64.sub (f64.load (local.get $q)) (f64.add (f64x2.extract_lane 0 (local.get $s11)) (f64x2.extract_lane 1 (local.get $s11)))))
                (local.set $q (i32.add (local.get $p) (i32.shl (local.get $rb) (i32.const 1)))) (f64.store (local.get $q) (f64.sub (f64.load (local.get $q)) (f64.add (f64x2.extract_lane 0 (local.get $s21)) (f64x2.extract_lane 1 (local.get $s21)))))
                (local.set $q (i32.add (local.get $p) (i32.mul (local.get $rb) (i32.const 3)))) (f64.store (local.get $q) (f64.sub (f64.load (local.get $q)) (f64.add (f64x2.extract_lane 0 (local.get $s31)) (f64x2.extract_lane 1 (local.get $s31)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 2)))
            (br $cloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rloop)))
    ;; remaining rows one by one
    (block $rdone1
      (loop $rloop1
        (br_if $rdone1 (i32.ge_s (local.get $r) (local.get $r1)))
        (local.set $a0 (i32.add (local.get $base) (i32.mul (local.get $r) (local.get $rb))))
        (local.set $cEnd (i32.add (local.get $r) (i32.const 1)))
        (if (i32.lt_s (local.get $c1) (local.get $cEnd)) (then (local.set $cEnd (local.get $c1))))
        (local.set $c (local.get $c0))
        (block $cdone1
          (loop $cloop1
            (br_if $cdone1 (i32.ge_s (local.get $c) (local.get $cEnd)))
            (local.set $p (i32.add (i32.add (local.get $f) (i32.mul (local.get $r) (local.get $rb)))
                                   (i32.shl (local.get $c) (i32.const 3))))
            (f64.store (local.get $p) (f64.sub (f64.load (local.get $p))
              (call $dot (local.get $a0) (i32.add (local.get $base) (i32.mul (local.get $c) (local.get $rb))) (local.get $lenB))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $cloop1)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop1))))

  ;; y[k] -= a x[k] over nbytes / 8 doubles
  (func $axpy (param $y i32) (param $x i32) (param $a f64) (param $nbytes i32)
    (local $k i32) (local $kEnd i32) (local $av v128) (local $p i32)
    (local.set $av (f64x2.splat (local.get $a)))
    (local.set $kEnd (i32.and (local.get $nbytes) (i32.const -16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $k) (local.get $kEnd)))
        (local.set $p (i32.add (local.get $y) (local.get $k)))
        (v128.store (local.get $p) (f64x2.sub (v128.load (local.get $p))
          (f64x2.mul (local.get $av) (v128.load (i32.add (local.get $x) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next)))
    (if (i32.lt_s (local.get $kEnd) (local.get $nbytes))
      (then
        (local.set $p (i32.add (local.get $y) (local.get $kEnd)))
        (f64.store (local.get $p) (f64.sub (f64.load (local.get $p))
          (f64.mul (local.get $a) (f64.load (i32.add (local.get $x) (local.get $kEnd)))))))))

  ;; Column k of the front (byte address of F[k, k] in $p, row stride $rb, rows k..m-1): takes the
  ;; square root of the pivot and scales the column below it. Returns 0 if the pivot is not > 0.
  (func $pivotColumn (param $p i32) (param $end i32) (param $rb i32) (result i32)
    (local $d f64) (local $inv f64)
    (local.set $d (f64.load (local.get $p)))
    (if (i32.eqz (f64.gt (local.get $d) (f64.const 0))) (then (return (i32.const 0))))
    (local.set $d (f64.sqrt (local.get $d)))
    (f64.store (local.get $p) (local.get $d))
    (local.set $inv (f64.div (f64.const 1) (local.get $d)))
    (block $done
      (loop $next
        (local.set $p (i32.add (local.get $p) (local.get $rb)))
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (f64.store (local.get $p) (f64.mul (f64.load (local.get $p)) (local.get $inv)))
        (br $next)))
    (i32.const 1))

  ;; Partial Cholesky of an m-front with s pivots, left-looking by panels of 16 columns, the columns
  ;; of a panel taken in pairs so that every update runs in full 4 x 2 tiles: on return
  ;; F[0:m, 0:s] holds [L11; L21] and F[s:m, s:m] the Schur complement F22 - L21 L21^T.
  ;; Returns the first pivot that is not > 0, or -1.
  (func $partialCholesky (export "partialCholesky") (param $f i32) (param $m i32) (param $s i32) (result i32)
    (local $rb i32) (local $k0 i32) (local $k1 i32) (local $k i32) (local $k2 i32) (local $p i32)
    (local $end i32) (local $q i32) (local $l f64)
    (local.set $rb (i32.shl (local.get $m) (i32.const 3)))
    (local.set $end (i32.add (local.get $f) (i32.mul (local.get $m) (local.get $rb))))
    (block $pdone
      (loop $ploop
        (br_if $pdone (i32.ge_s (local.get $k0) (local.get $s)))
        (local.set $k1 (i32.add (local.get $k0) (i32.const 16)))
        (if (i32.gt_s (local.get $k1) (local.get $s)) (then (local.set $k1 (local.get $s))))
        (if (i32.gt_s (local.get $k0) (i32.const 0))
          (then (call $rowDotUpdate (local.get $f) (local.get $m) (local.get $k0) (local.get $m)
                  (local.get $k0) (local.get $k1) (i32.const 0) (local.get $k0))))
        (local.set $k (local.get $k0))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_s (local.get $k) (local.get $k1)))
            (local.set $k2 (i32.add (local.get $k) (i32.const 2)))
            (if (i32.gt_s (local.get $k2) (local.get $k1)) (then (local.set $k2 (local.get $k1))))
            (if (i32.gt_s (local.get $k) (local.get $k0))
              (then (call $rowDotUpdate (local.get $f) (local.get $m) (local.get $k) (local.get $m)
                      (local.get $k) (local.get $k2) (local.get $k0) (local.get $k))))
            ;; p = &F[k, k]
            (local.set $p (i32.add (i32.add (local.get $f) (i32.mul (local.get $k) (local.get $rb)))
                                   (i32.shl (local.get $k) (i32.const 3))))
            (if (i32.eqz (call $pivotColumn (local.get $p) (local.get $end) (local.get $rb)))
              (then (return (local.get $k))))
            (if (i32.lt_s (i32.add (local.get $k) (i32.const 1)) (local.get $k2))
              (then
                ;; column k+1 -= column k * L[k+1, k], rows k+1..m-1, then its pivot
                (local.set $q (i32.add (local.get $p) (local.get $rb)))
                (local.set $l (f64.load (local.get $q)))
                (block $udone
                  (loop $uloop
                    (br_if $udone (i32.ge_u (local.get $q) (local.get $end)))
                    (f64.store offset=8 (local.get $q) (f64.sub (f64.load offset=8 (local.get $q))
                      (f64.mul (f64.load (local.get $q)) (local.get $l))))
                    (local.set $q (i32.add (local.get $q) (local.get $rb)))
                    (br $uloop)))
                (if (i32.eqz (call $pivotColumn (i32.add (i32.add (local.get $p) (local.get $rb)) (i32.const 8))
                               (local.get $end) (local.get $rb)))
                  (then (return (i32.add (local.get $k) (i32.const 1)))))))
            (local.set $k (local.get $k2))
            (br $kloop)))
        (local.set $k0 (local.get $k1))
        (br $ploop)))
    (if (i32.lt_s (local.get $s) (local.get $m))
      (then (call $rowDotUpdate (local.get $f) (local.get $m) (local.get $s) (local.get $m)
              (local.get $s) (local.get $m) (i32.const 0) (local.get $s))))
    (i32.const -1))

  ;; dst[0:nbytes] = src[0:nbytes] (nbytes a multiple of 8); a loop, since the bulk-memory copy is
  ;; a call into the runtime that costs more than the short rows copied here
  (func $copy (param $dst i32) (param $src i32) (param $nbytes i32)
    (local $k i32) (local $kEnd i32)
    (local.set $kEnd (i32.and (local.get $nbytes) (i32.const -16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $kEnd)))
        (v128.store (i32.add (local.get $dst) (local.get $k)) (v128.load (i32.add (local.get $src) (local.get $k))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next)))
    (if (i32.lt_u (local.get $kEnd) (local.get $nbytes))
      (then (f64.store (i32.add (local.get $dst) (local.get $kEnd)) (f64.load (i32.add (local.get $src) (local.get $kEnd)))))))

  ;; dst[0:nbytes] = 0 (nbytes a multiple of 8)
  (func $zero (param $dst i32) (param $nbytes i32)
    (local $k i32) (local $kEnd i32)
    (local.set $kEnd (i32.and (local.get $nbytes) (i32.const -16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $kEnd)))
        (v128.store (i32.add (local.get $dst) (local.get $k)) (v128.const i64x2 0 0))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next)))
    (if (i32.lt_u (local.get $kEnd) (local.get $nbytes))
      (then (f64.store (i32.add (local.get $dst) (local.get $kEnd)) (f64.const 0)))))

  ;; The multifrontal factorisation and solves read a header of i32 fields at $h (byte offsets):
  ;;  0 nodeCount   4 pivotStart   8 pivotCount  12 frontSize  16 childCount  20 boundaryPtr
  ;; 24 boundary   28 parentRow   32 factorPtr   36 asmPtr     40 asmDst      44 asmSrc
  ;; 48 stackNode  52 stackOffset 56 values      60 front      64 stack       68 factor   72 x
  ;; (all but nodeCount are byte addresses of i32 or f64 arrays; see nested-dissection.ts).

  ;; A = L L^T, front by front in postorder. Returns -1, or the front whose pivot failed.
  (func (export "factorize") (param $h i32) (result i32)
    (local $f i32) (local $nodes i32) (local $m i32) (local $s i32) (local $rb i32) (local $F i32)
    (local $r i32) (local $k i32) (local $kEnd i32) (local $p i32) (local $c i32) (local $depth i32)
    (local $child i32) (local $off i32) (local $map i32) (local $bc i32) (local $i i32) (local $j i32)
    (local $ri i32) (local $lo i32) (local $len i32) (local $stack i32)
    (local.set $nodes (i32.load (local.get $h)))
    (local.set $F (i32.load offset=60 (local.get $h)))
    (local.set $stack (i32.load offset=64 (local.get $h)))
    (i32.store (i32.load offset=52 (local.get $h)) (i32.const 0))
    (block $fdone
      (loop $floop
        (br_if $fdone (i32.ge_s (local.get $f) (local.get $nodes)))
        (local.set $m (i32.load (i32.add (i32.load offset=12 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $s (i32.load (i32.add (i32.load offset=8 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $rb (i32.shl (local.get $m) (i32.const 3)))
        ;; zero the lower triangle
        (local.set $r (i32.const 0))
        (block $zdone
          (loop $zloop
            (br_if $zdone (i32.ge_s (local.get $r) (local.get $m)))
            (call $zero (i32.add (local.get $F) (i32.mul (local.get $r) (local.get $rb)))
              (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 3)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $zloop)))
        ;; assemble the entries of A that belong to this front
        (local.set $p (i32.add (i32.load offset=36 (local.get $h)) (i32.shl (local.get $f) (i32.const 2))))
        (local.set $k (i32.load (local.get $p)))
        (local.set $kEnd (i32.load offset=4 (local.get $p)))
        (block $adone
          (loop $aloop
            (br_if $adone (i32.ge_s (local.get $k) (local.get $kEnd)))
            (local.set $p (i32.add (local.get $F) (i32.shl
              (i32.load (i32.add (i32.load offset=40 (local.get $h)) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))
            (f64.store (local.get $p) (f64.add (f64.load (local.get $p))
              (f64.load (i32.add (i32.load offset=56 (local.get $h)) (i32.shl
                (i32.load (i32.add (i32.load offset=44 (local.get $h)) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $aloop)))
        ;; extend-add the children's update matrices (packed lower triangles on top of the stack)
        (local.set $c (i32.load (i32.add (i32.load offset=16 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))))
        (block $cdone
          (loop $cloop
            (br_if $cdone (i32.eqz (local.get $c)))
            (local.set $c (i32.sub (local.get $c) (i32.const 1)))
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (local.set $child (i32.load (i32.add (i32.load offset=48 (local.get $h)) (i32.shl (local.get $depth) (i32.const 2)))))
            (local.set $off (i32.add (local.get $stack)
              (i32.load (i32.add (i32.load offset=52 (local.get $h)) (i32.shl (local.get $depth) (i32.const 2))))))
            (local.set $p (i32.add (i32.load offset=20 (local.get $h)) (i32.shl (local.get $child) (i32.const 2))))
            (local.set $map (i32.add (i32.load offset=28 (local.get $h)) (i32.shl (i32.load (local.get $p)) (i32.const 2))))
            (local.set $bc (i32.sub (i32.load offset=4 (local.get $p)) (i32.load (local.get $p))))
            (local.set $i (i32.const 0))
            (block $idone
              (loop $iloop
                (br_if $idone (i32.ge_s (local.get $i) (local.get $bc)))
                (local.set $ri (i32.add (local.get $F)
                  (i32.mul (i32.load (i32.add (local.get $map) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rb))))
                (local.set $j (i32.const 0))
                (block $jdone
                  (loop $jloop
                    (br_if $jdone (i32.gt_s (local.get $j) (local.get $i)))
                    (local.set $p (i32.add (local.get $ri)
                      (i32.shl (i32.load (i32.add (local.get $map) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 3))))
                    (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.load (local.get $off))))
                    (local.set $off (i32.add (local.get $off) (i32.const 8)))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $jloop)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $iloop)))
            (br $cloop)))
        (if (i32.ge_s (call $partialCholesky (local.get $F) (local.get $m) (local.get $s)) (i32.const 0))
          (then (return (local.get $f))))
        ;; factor rows: F[r, 0:min(r + 1, s)] -> L block (m x s, row-major)
        (local.set $lo (i32.add (i32.load offset=68 (local.get $h))
          (i32.shl (i32.load (i32.add (i32.load offset=32 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 3))))
        (local.set $r (i32.const 0))
        (block $ldone
          (loop $lloop
            (br_if $ldone (i32.ge_s (local.get $r) (local.get $m)))
            (local.set $len (i32.add (local.get $r) (i32.const 1)))
            (if (i32.gt_s (local.get $len) (local.get $s)) (then (local.set $len (local.get $s))))
            (call $copy (i32.add (local.get $lo) (i32.shl (i32.mul (local.get $r) (local.get $s)) (i32.const 3)))
              (i32.add (local.get $F) (i32.mul (local.get $r) (local.get $rb)))
              (i32.shl (local.get $len) (i32.const 3)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $lloop)))
        ;; push the update matrix (packed lower triangle of F[s:m, s:m])
        (if (i32.lt_s (local.get $s) (local.get $m))
          (then
            (local.set $off (i32.load (i32.add (i32.load offset=52 (local.get $h)) (i32.shl (local.get $depth) (i32.const 2)))))
            (local.set $r (local.get $s))
            (block $udone
              (loop $uloop
                (br_if $udone (i32.ge_s (local.get $r) (local.get $m)))
                (local.set $len (i32.shl (i32.add (i32.sub (local.get $r) (local.get $s)) (i32.const 1)) (i32.const 3)))
                (call $copy (i32.add (local.get $stack) (local.get $off))
                  (i32.add (i32.add (local.get $F) (i32.mul (local.get $r) (local.get $rb))) (i32.shl (local.get $s) (i32.const 3)))
                  (local.get $len))
                (local.set $off (i32.add (local.get $off) (local.get $len)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $uloop)))
            (i32.store (i32.add (i32.load offset=48 (local.get $h)) (i32.shl (local.get $depth) (i32.const 2))) (local.get $f))
            (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
            (i32.store (i32.add (i32.load offset=52 (local.get $h)) (i32.shl (local.get $depth) (i32.const 2))) (local.get $off))))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $floop)))
    (i32.const -1))

  ;; Solves L L^T x = b in place for the vector x (elimination order) of the header.
  (func (export "solve") (param $h i32)
    (local $f i32) (local $nodes i32) (local $p0 i32) (local $s i32) (local $m i32) (local $lo i32)
    (local $bp i32) (local $xs i32) (local $x i32) (local $r i32) (local $row i32) (local $g i32)
    (local $rowB i32) (local $v f64)
    (local.set $nodes (i32.load (local.get $h)))
    (local.set $x (i32.load offset=72 (local.get $h)))
    ;; forward: L y = b
    (block $fdone
      (loop $floop
        (br_if $fdone (i32.ge_s (local.get $f) (local.get $nodes)))
        (local.set $p0 (i32.load (i32.add (i32.load offset=4 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $s (i32.load (i32.add (i32.load offset=8 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $m (i32.load (i32.add (i32.load offset=12 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $lo (i32.add (i32.load offset=68 (local.get $h))
          (i32.shl (i32.load (i32.add (i32.load offset=32 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 3))))
        (local.set $bp (i32.add (i32.load offset=24 (local.get $h))
          (i32.shl (i32.load (i32.add (i32.load offset=20 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 2))))
        (local.set $xs (i32.add (local.get $x) (i32.shl (local.get $p0) (i32.const 3))))
        (local.set $rowB (i32.shl (local.get $s) (i32.const 3)))
        (local.set $r (i32.const 0))
        (local.set $row (local.get $lo))
        (block $rdone
          (loop $rloop
            (br_if $rdone (i32.ge_s (local.get $r) (local.get $s)))
            (local.set $g (i32.add (local.get $xs) (i32.shl (local.get $r) (i32.const 3))))
            (f64.store (local.get $g) (f64.div
              (f64.sub (f64.load (local.get $g)) (call $dot (local.get $row) (local.get $xs) (i32.shl (local.get $r) (i32.const 3))))
              (f64.load (i32.add (local.get $row) (i32.shl (local.get $r) (i32.const 3))))))
            (local.set $row (i32.add (local.get $row) (local.get $rowB)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rloop)))
        (block $bdone
          (loop $bloop
            (br_if $bdone (i32.ge_s (local.get $r) (local.get $m)))
            (local.set $g (i32.add (local.get $x)
              (i32.shl (i32.load (i32.add (local.get $bp) (i32.shl (i32.sub (local.get $r) (local.get $s)) (i32.const 2)))) (i32.const 3))))
            (f64.store (local.get $g) (f64.sub (f64.load (local.get $g)) (call $dot (local.get $row) (local.get $xs) (local.get $rowB))))
            (local.set $row (i32.add (local.get $row) (local.get $rowB)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $bloop)))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $floop)))
    ;; backward: L^T x = y
    (block $gdone
      (loop $gloop
        (br_if $gdone (i32.eqz (local.get $f)))
        (local.set $f (i32.sub (local.get $f) (i32.const 1)))
        (local.set $p0 (i32.load (i32.add (i32.load offset=4 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $s (i32.load (i32.add (i32.load offset=8 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $m (i32.load (i32.add (i32.load offset=12 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $lo (i32.add (i32.load offset=68 (local.get $h))
          (i32.shl (i32.load (i32.add (i32.load offset=32 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 3))))
        (local.set $bp (i32.add (i32.load offset=24 (local.get $h))
          (i32.shl (i32.load (i32.add (i32.load offset=20 (local.get $h)) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 2))))
        (local.set $xs (i32.add (local.get $x) (i32.shl (local.get $p0) (i32.const 3))))
        (local.set $rowB (i32.shl (local.get $s) (i32.const 3)))
        ;; y_s -= L21^T x_boundary
        (local.set $r (local.get $s))
        (local.set $row (i32.add (local.get $lo) (i32.mul (local.get $s) (local.get $rowB))))
        (block $bdone2
          (loop $bloop2
            (br_if $bdone2 (i32.ge_s (local.get $r) (local.get $m)))
            (local.set $v (f64.load (i32.add (local.get $x)
              (i32.shl (i32.load (i32.add (local.get $bp) (i32.shl (i32.sub (local.get $r) (local.get $s)) (i32.const 2)))) (i32.const 3)))))
            (call $axpy (local.get $xs) (local.get $row) (local.get $v) (local.get $rowB))
            (local.set $row (i32.add (local.get $row) (local.get $rowB)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $bloop2)))
        ;; L11^T x_s = y_s, by columns of L11^T (rows of L11) from the last
        (local.set $r (local.get $s))
        (block $rdone2
          (loop $rloop2
            (br_if $rdone2 (i32.eqz (local.get $r)))
            (local.set $r (i32.sub (local.get $r) (i32.const 1)))
            (local.set $row (i32.add (local.get $lo) (i32.mul (local.get $r) (local.get $rowB))))
            (local.set $g (i32.add (local.get $xs) (i32.shl (local.get $r) (i32.const 3))))
            (local.set $v (f64.div (f64.load (local.get $g)) (f64.load (i32.add (local.get $row) (i32.shl (local.get $r) (i32.const 3))))))
            (f64.store (local.get $g) (local.get $v))
            (call $axpy (local.get $xs) (local.get $row) (local.get $v) (i32.shl (local.get $r) (i32.const 3)))
            (br $rloop2)))
        (br $gloop)))
  )
)
