/// The flags of one (field, epoch) group of rows, in the original's order: snr, leakage,
/// channel, Stokes I fit, complexity, local RM, blending. A flag true means "do not trust,
/// for this reason". Rows whose RM synthesis failed get every quality flag (snr, leakage,
/// channel, Stokes I fit, local RM) set, complexity flags false and complex_flag "U".
struct FieldFlagger {
    var options: CatalogueOptions

    func apply(to rows: inout [CatalogueRow], indices: [Int], observation: CatalogueObservation) -> CatalogueDiagnostics {
        let measured = indices.filter { !rows[$0].failed }

        // snr_flag and the complexity flags.
        for i in measured {
            rows[i].snrFlag = rows[i].snr < options.snrThreshold
            let sigmaKnown = rows[i].sigmaAdd.isFinite && rows[i].sigmaAddError.isFinite
            let widthKnown = rows[i].rmWidth.isFinite && rows[i].rmsfFWHM.isFinite
            rows[i].complexSigmaAddFlag = sigmaKnown && rows[i].sigmaAdd > options.sigmaAddSignificance * rows[i].sigmaAddError
            rows[i].complexM2CCFlag = widthKnown && rows[i].rmWidth > rows[i].rmsfFWHM
            if rows[i].complexSigmaAddFlag || rows[i].complexM2CCFlag {
                rows[i].complexFlag = "Y"
            } else {
                rows[i].complexFlag = sigmaKnown && widthKnown ? "N" : "U"
            }
        }

        // leakage_flag and leakage: envelope from the bright sources of this field.
        let bright = measured.filter {
            let r = rows[$0]
            return r.stokesI / r.stokesIError > options.leakage.minimumStokesISNR
                && r.fracpol.isFinite && r.beamDistance.isFinite
        }
        let envelope = LeakageEnvelope.fit(separation: bright.map { rows[$0].beamDistance },
                                           fracpol: bright.map { rows[$0].fracpol }, settings: options.leakage)
        for i in measured {
            let level = envelope.value(at: rows[i].beamDistance)
            rows[i].leakageFlag = rows[i].fracpol < level
            rows[i].leakage = level.isNaN ? .nan : max(0, level)
        }

        // channel_flag: Int(fraction x max Nchan), as the original truncates.
        let most = measured.map { rows[$0].channels }.max() ?? 0
        let threshold = Int(Double(most) * options.channelFraction)
        for i in measured { rows[i].channelFlag = rows[i].channels < threshold }

        // local_rm_flag over the good RMs.
        let good = measured.filter {
            let r = rows[$0]
            return !r.stokesIFitFlag && !r.channelFlag && !r.leakageFlag && r.snr > options.localRM.minimumSNR
                && !r.snrFlag && r.rm.isFinite && r.ra.isFinite && r.dec.isFinite
        }
        let local = LocalRMFlagger(settings: options.localRM).flags(good.map {
            LocalRMFlagger.Source(ra: rows[$0].ra, dec: rows[$0].dec, rm: rows[$0].rm)
        })
        for (i, flag) in zip(good, local.flags) { rows[i].localRMFlag = flag }

        for i in indices where rows[i].failed {
            rows[i].snrFlag = true
            rows[i].leakageFlag = true
            rows[i].channelFlag = true
            rows[i].stokesIFitFlag = true
            rows[i].localRMFlag = true
            rows[i].complexSigmaAddFlag = false
            rows[i].complexM2CCFlag = false
            rows[i].complexFlag = "U"
        }

        BlendFinder.apply(to: &rows, indices: indices)

        return CatalogueDiagnostics(observation: observation, rows: indices.count,
                                    failures: indices.count - measured.count, leakage: envelope,
                                    localRMNeighbours: local.neighbours, localRMNote: local.note,
                                    channelThreshold: threshold)
    }
}
