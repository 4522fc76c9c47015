import confmat


def test_import_exposes_public_names():
    assert set(confmat.__all__) >= {"ConfusionMatrix", "ConfmatError"}
